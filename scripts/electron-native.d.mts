// Types of ./electron-native.mjs for the TypeScript tests (the .mjs carries the same as JSDoc;
// regenerate with `tsc --allowJs --declaration --emitDeclarationOnly scripts/electron-native.mjs`).

export interface NativeTarget {
  electronVersion: string;
  sqliteVersion: string;
  platform: string;
  arch: string;
}

export interface Step {
  label: string;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string | undefined>;
}

export interface BundleLayout {
  inputs: string[];
  outputs: string[];
}

export const ELECTRON_HEADERS_URL: 'https://electronjs.org/headers';
export function nativeDir(root: string, target: NativeTarget): string;
export function nativeBindingPath(dir: string): string;
export function shouldCopySqliteFile(relativePath: string): boolean;
export function newestMtime(path: string): number;
export function bundleLayout(root: string): BundleLayout;
export function isStale(layout: BundleLayout): boolean;
export function electronBinary(electronPackageDir: string, env?: Record<string, string | undefined>): { installed: boolean; path: string | null };
export function nativeBuildEnv(baseEnv: Record<string, string | undefined>): Record<string, string | undefined>;
export function nativeBuildSteps(options: { root: string; dir: string; target: NativeTarget; node: string; env: Record<string, string | undefined> }): Step[];
export function bundleStep(root: string, node: string, env: Record<string, string | undefined>): Step;
export function launchStep(options: { root: string; electronPath: string; bindingPath: string; argv: string[]; env: Record<string, string | undefined> }): Step;
export function exitCodeOf(code: number | null, signal: string | null): number;
