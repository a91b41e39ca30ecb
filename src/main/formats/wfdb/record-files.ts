/**
 * Which of a set of files are the companions of a WFDB record among them: a record is read from
 * its `.hea`, which names its signal files, and its annotation files share its name (`100.dat`,
 * `100.atr` beside `100.hea`). Returns each companion's name with its header's.
 */
export function recordCompanions(names: readonly string[]): Map<string, string> {
  const headers = new Map<string, string>();
  for (const name of names) if (/\.hea$/i.test(name)) headers.set(name.slice(0, -'.hea'.length), name);
  const companions = new Map<string, string>();
  for (const name of names) {
    if (/\.hea$/i.test(name)) continue;
    const dot = name.indexOf('.');
    const header = dot > 0 ? headers.get(name.slice(0, dot)) : undefined;
    if (header) companions.set(name, header);
  }
  return companions;
}
