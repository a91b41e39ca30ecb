/**
 * Schema migrations, applied in order; `PRAGMA user_version` holds how many have run.
 * Append only: a released migration is never edited.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    participant TEXT NOT NULL DEFAULT '',
    started_at REAL NOT NULL,          -- host time, s since the Unix epoch
    ended_at REAL,                     -- NULL while recording, or after a crash
    meta TEXT NOT NULL DEFAULT '{}'
  );
  CREATE TABLE devices (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    device_key TEXT NOT NULL,
    label TEXT NOT NULL,
    transport TEXT NOT NULL,
    descriptor TEXT NOT NULL DEFAULT '{}',   -- the board's HELLO descriptor (formats, scales)
    UNIQUE (session_id, device_key)
  );
  CREATE TABLE streams (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    device_id INTEGER REFERENCES devices(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    rate REAL NOT NULL,
    channels TEXT NOT NULL,            -- JSON [{label, unit}]
    samples INTEGER NOT NULL DEFAULT 0,
    UNIQUE (session_id, key)
  );
  CREATE TABLE chunks (
    id INTEGER PRIMARY KEY,
    stream_id INTEGER NOT NULL REFERENCES streams(id) ON DELETE CASCADE,
    sample_index INTEGER NOT NULL,     -- index of the first sample, lost samples counted
    t0 REAL NOT NULL,                  -- host time of the first sample
    dt REAL NOT NULL,
    n INTEGER NOT NULL,
    dtype TEXT NOT NULL,               -- 'f32' | 'f64'
    data BLOB NOT NULL                 -- channel-major physical values, little-endian
  );
  CREATE INDEX chunks_by_stream_time ON chunks (stream_id, t0);
  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    stream_id INTEGER REFERENCES streams(id) ON DELETE CASCADE,
    t REAL NOT NULL,
    duration REAL NOT NULL DEFAULT 0,
    kind TEXT NOT NULL,
    text TEXT NOT NULL DEFAULT ''
  );
  CREATE INDEX events_by_session_time ON events (session_id, t);
  `,
  // 2: streams the analysis derives (heart rate, SpO2...) name the stream they come from.
  `ALTER TABLE streams ADD COLUMN derived_from TEXT;`,
  // 3: crash recovery. The recording process stamps its pid and the time of every flush, so an
  // open session whose owner is gone can be told from one another process is still recording.
  `
  ALTER TABLE sessions ADD COLUMN status TEXT NOT NULL DEFAULT 'complete';  -- 'recording' | 'complete' | 'recovered'
  ALTER TABLE sessions ADD COLUMN owner_pid INTEGER;
  ALTER TABLE sessions ADD COLUMN last_flush_at REAL;                         -- wall clock, s since the Unix epoch
  UPDATE sessions SET status = 'recording' WHERE ended_at IS NULL;
  `,
  // 4: re-runs of the analysis over a session with other parameters, beside its recorded live results.
  `
  CREATE TABLE analysis_runs (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    params TEXT NOT NULL,              -- JSON ReanalysisOptions
    created_at REAL NOT NULL,          -- ms since the Unix epoch
    summary TEXT NOT NULL,             -- JSON AnalysisRunSummary without id/name/params/createdAt
    result TEXT NOT NULL,              -- JSON of what analyze() returned
    UNIQUE (session_id, name)
  );
  `,
  // 5: a stream's beats as the user corrected them, beside the detector's (never overwritten).
  `
  CREATE TABLE corrected_beats (
    stream_id INTEGER PRIMARY KEY REFERENCES streams(id) ON DELETE CASCADE,
    times BLOB NOT NULL,               -- Float64 little-endian, s from the session start, ascending
    rejected BLOB NOT NULL,            -- bitmap, bit i (LSB first): beat i rejected as artifact
    edited_at REAL NOT NULL            -- wall clock, s since the Unix epoch
  );
  `,
  // 6: the session library. Tags per session; and events indexed by stream, so deleting a
  // session's streams finds their events without a scan of every event in the library.
  `
  CREATE TABLE session_tags (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (session_id, tag)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS events_by_stream ON events (stream_id);
  `,
  // 7: storage for long sessions. Chunks are read in sample order and by time range: index both.
  // The clock model's record per chunk and its fits over time, with the online times kept beside
  // the ones re-fitted at the session's end. Gaps carry their lost samples; beats and steps are
  // compact per-stream series; a min/max pyramid per stream draws any zoom from few points.
  `
  CREATE INDEX chunks_by_stream_index ON chunks (stream_id, sample_index);
  ALTER TABLE chunks ADD COLUMN dev0 REAL;          -- device clock (s) of the first sample
  ALTER TABLE chunks ADD COLUMN clock_epoch INTEGER; -- device clock restarts (reboots) so far
  ALTER TABLE chunks ADD COLUMN obs_dev REAL;       -- the fit's pairing: device time obs_dev...
  ALTER TABLE chunks ADD COLUMN arrival REAL;       -- ...arrived at host time arrival
  ALTER TABLE chunks ADD COLUMN t0_live REAL;       -- the online fit's t0/dt, once t0/dt are re-timed
  ALTER TABLE chunks ADD COLUMN dt_live REAL;
  CREATE TABLE clock_fits (
    id INTEGER PRIMARY KEY,
    device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    epoch INTEGER NOT NULL,
    source TEXT NOT NULL,              -- 'live': the online model at host time t; 'session': the re-fit at the end, valid from device time dev
    t REAL NOT NULL,
    dev REAL NOT NULL,
    offset REAL NOT NULL,              -- host = dev + offset + drift * dev
    drift REAL NOT NULL
  );
  CREATE INDEX clock_fits_by_device ON clock_fits (device_id, source, dev);
  ALTER TABLE events ADD COLUMN lost INTEGER;
  CREATE TABLE marks (
    id INTEGER PRIMARY KEY,
    stream_id INTEGER NOT NULL REFERENCES streams(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                -- 'beat' | 'step'
    text TEXT NOT NULL,
    first_t REAL NOT NULL,             -- host time of the first mark
    count INTEGER NOT NULL,
    times BLOB NOT NULL                -- Float64 host times, ascending
  );
  CREATE INDEX marks_by_stream_time ON marks (stream_id, first_t);
  CREATE TABLE pyramid (
    stream_id INTEGER NOT NULL REFERENCES streams(id) ON DELETE CASCADE,
    level INTEGER NOT NULL,            -- samples per point
    first_index INTEGER NOT NULL,      -- sample index of the first point's first sample
    t0 REAL NOT NULL,                  -- host time of that sample
    dt REAL NOT NULL,                  -- seconds per sample
    n INTEGER NOT NULL,                -- points; each covers level samples but the last, which covers the rest of samples
    samples INTEGER NOT NULL,
    data BLOB NOT NULL,                -- Float32 min[ch][n] then max[ch][n]
    PRIMARY KEY (stream_id, level, first_index)
  ) WITHOUT ROWID;
  CREATE INDEX pyramid_by_time ON pyramid (stream_id, level, t0);
  ALTER TABLE streams ADD COLUMN pyramid INTEGER NOT NULL DEFAULT 0;  -- 1: the pyramid covers every chunk
  `,
  // 8: whether a closed session was re-timed. The app re-times in a job after the recording stops
  // (a day takes many seconds); a job cut short by quitting is run again at the next start.
  `ALTER TABLE sessions ADD COLUMN retimed INTEGER NOT NULL DEFAULT 1;`,
  // 9: offline model runs over a session: one row per run, its outputs as columns of compact
  // BLOBs (a day of ECG is ~100,000 beats: ~2.4 MB for a two-class model), beside the recorded data.
  `
  CREATE TABLE model_runs (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    stream_id INTEGER NOT NULL REFERENCES streams(id) ON DELETE CASCADE,  -- the stream it ran on
    name TEXT NOT NULL,
    model TEXT NOT NULL,               -- the manifest's name
    file TEXT NOT NULL,                -- the .onnx file it was loaded from
    manifest TEXT NOT NULL,            -- JSON, as parsed
    created_at REAL NOT NULL,          -- ms since the Unix epoch
    n INTEGER NOT NULL,                -- outputs
    counts TEXT NOT NULL,              -- JSON {label: outputs}, classes only
    skipped TEXT NOT NULL,             -- JSON {gap, edge, rr}: windows not run
    t BLOB NOT NULL,                   -- Float64 s from the session start, per output
    sample BLOB NOT NULL,              -- Float64 index into the stream, from its first recorded sample
    label BLOB,                        -- Uint8 class index per output (classes)
    data BLOB NOT NULL,                -- Float32: probabilities output-major (n x classes), or the value
    UNIQUE (session_id, name)
  );
  CREATE INDEX model_runs_by_stream ON model_runs (stream_id);
  `,
  // 10: a class per corrected beat (a reference for evaluating models): JSON array of code letters or null, NULL when no beat has one.
  `ALTER TABLE corrected_beats ADD COLUMN classes TEXT;`,
  // 11: pseudonymous participant records and studies. Sessions name both by text (their
  // participant ID, their study's name), so a session file carries them to another library and a
  // record added later links the sessions that already name it.
  `
  CREATE TABLE participants (
    id TEXT PRIMARY KEY COLLATE NOCASE,
    age_band TEXT,
    sex TEXT,                          -- female | male | intersex | unspecified
    skin_scale TEXT,                   -- fitzpatrick | monk
    skin_tone TEXT,                    -- I-VI | 1-10
    wrist_cm REAL,
    dominant_hand TEXT,                -- left | right | ambidextrous
    notes TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL           -- ms since the Unix epoch
  ) WITHOUT ROWID;
  CREATE TABLE studies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    description TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL
  );
  ALTER TABLE sessions ADD COLUMN study TEXT NOT NULL DEFAULT '';
  CREATE INDEX sessions_by_participant ON sessions (participant COLLATE NOCASE);
  CREATE INDEX sessions_by_study ON sessions (study COLLATE NOCASE);
  `,
];
