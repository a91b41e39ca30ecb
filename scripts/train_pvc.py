"""Trains the bundled PVC model (resources/models/pvc/) on the beats scripts/pvc-dataset.ts wrote.

Inter-patient protocol (de Chazal et al. 2004): hyper-parameters are chosen only on DS1 by grouped
cross-validation (folds split by record, never by beat); the chosen setting is then trained on all
of DS1 and exported to ONNX. Records 100 and 105 (of DS2) are scored only as a smoke test. Writes
pvc.onnx, MODEL_CARD.md (its metrics from this run), metrics.json, and the test fixture of
synthetic inputs with their expected outputs. Seeded: a rerun gives the same numbers.

Run: npm run train:pvc   (or /usr/bin/python3 scripts/train_pvc.py DATASET_DIR)
"""
import json
import os
import sys
import time

import numpy as np
import onnx
import torch
from torch import nn

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
MODEL_DIR = os.path.join(ROOT, 'resources', 'models', 'pvc')
FIXTURE = os.path.join(ROOT, 'test', 'fixtures', 'pvc-model-outputs.json')
SEED = 9
FOLDS = 5
BOOTSTRAP = 2000
# The grid searched by grouped CV: conv width, the share of N beats each epoch draws anew (with every
# V beat), class weight of V (a power of the drawn N/V ratio), and epochs.
GRID = [{'width': w, 'n_share': s, 'weight_power': p} for w in (8, 16) for s in (0.25, 1.0) for p in (0.0, 0.5)]
EPOCH_CHECKPOINTS = (2, 4, 8)
# RR augmentation: the three durations (pre, post, local) scale together, the ratios stay.
RR_SCALES = torch.tensor([1.0, 1.0, 1.0, 0.0, 0.0])

torch.set_num_threads(2)
torch.use_deterministic_algorithms(True)


class PvcNet(nn.Module):
    """1-D CNN on the z-scored beat window, joined with a small layer on the log RR features."""

    def __init__(self, width, n_rr):
        super().__init__()
        w = width
        self.conv = nn.Sequential(
            # 360 -> 120 Hz first: a QRS still spans ~10 samples, and the convolutions cost a third.
            nn.AvgPool1d(3),
            nn.Conv1d(1, w, 7, padding=3), nn.BatchNorm1d(w), nn.ReLU(), nn.MaxPool1d(2),
            nn.Conv1d(w, 2 * w, 5, padding=2), nn.BatchNorm1d(2 * w), nn.ReLU(), nn.MaxPool1d(2),
            nn.Conv1d(2 * w, 2 * w, 5, padding=2), nn.BatchNorm1d(2 * w), nn.ReLU(),
        )
        self.rr = nn.Sequential(nn.Linear(n_rr, 16), nn.ReLU())
        self.head = nn.Sequential(nn.Linear(4 * w + 16, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 2))

    def logits(self, signal, rr):
        h = self.conv(signal)
        # RR in seconds and their ratios are all positive; their logs put a pause and a premature beat on one scale.
        r = self.rr(torch.log(torch.clamp(rr, min=0.05)))
        return self.head(torch.cat([h.mean(dim=2), h.amax(dim=2), r], dim=1))

    def forward(self, signal, rr):
        return torch.softmax(self.logits(signal, rr), dim=1)


def zscore(x):
    """Per window, as the host does for normalise "zscore": population std."""
    m = x.mean(axis=1, keepdims=True)
    s = x.std(axis=1, keepdims=True)
    return ((x - m) / np.maximum(s, 1e-6)).astype(np.float32)


def folds_by_record(records, labels, ids):
    """Records dealt to FOLDS folds in snake order of their V count, so every fold has ectopic beats."""
    v = {r: int(((records == r) & (labels == 1)).sum()) for r in ids}
    order = sorted(ids, key=lambda r: (-v[r], r))
    fold = {}
    for k, r in enumerate(order):
        lap, pos = divmod(k, FOLDS)
        fold[r] = pos if lap % 2 == 0 else FOLDS - 1 - pos
    return fold


def train(x, rr, y, cfg, epochs, seed, on_epoch=None):
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    model = PvcNet(cfg['width'], rr.shape[1])
    v_idx = torch.from_numpy(np.flatnonzero(y == 1))
    n_idx = torch.from_numpy(np.flatnonzero(y == 0))
    n_take = int(len(n_idx) * cfg['n_share'])
    weight = torch.tensor([1.0, (n_take / max(1, len(v_idx))) ** cfg['weight_power']])
    loss_fn = nn.CrossEntropyLoss(weight=weight)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-4)
    xt, rt, yt = torch.from_numpy(x), torch.from_numpy(rr), torch.from_numpy(y.astype(np.int64))
    for epoch in range(1, epochs + 1):
        model.train()
        chosen = torch.cat([v_idx, n_idx[torch.randperm(len(n_idx), generator=g)[:n_take]]])
        perm = chosen[torch.randperm(len(chosen), generator=g)]
        for i in range(0, len(perm), 512):
            b = perm[i:i + 512]
            xb = xt[b].unsqueeze(1)
            # Augmentation: noise and a scale change of the RR timing (another heart rate, same rhythm).
            xb = xb + 0.05 * torch.randn(xb.shape, generator=g)
            rb = rt[b] * torch.exp(0.1 * torch.randn(len(b), 1, generator=g)) ** RR_SCALES
            opt.zero_grad()
            loss = loss_fn(model.logits(xb, rb), yt[b])
            loss.backward()
            opt.step()
        if on_epoch:
            on_epoch(epoch, model)
    return model


def predict(model, x, rr):
    model.eval()
    with torch.no_grad():
        return torch.cat([model(torch.from_numpy(x[i:i + 4096]).unsqueeze(1), torch.from_numpy(rr[i:i + 4096]))[:, 1] for i in range(0, len(x), 4096)]).numpy()


def counts(y, p):
    """VEB TP, FN, FP of argmax predictions."""
    pred = p >= 0.5
    return np.array([int((pred & (y == 1)).sum()), int((~pred & (y == 1)).sum()), int((pred & (y == 0)).sum())])


def scores(c):
    tp, fn, fp = c
    se = 100 * tp / max(1, tp + fn)
    ppv = 100 * tp / max(1, tp + fp)
    return {'se': round(se, 2), 'ppv': round(ppv, 2), 'f1': round(2 * se * ppv / max(1e-9, se + ppv), 2), 'tp': int(tp), 'fn': int(fn), 'fp': int(fp)}


def bootstrap(per_record, rng):
    """95 % intervals of gross Se and +P, resampling records (not beats) with replacement."""
    c = np.array(list(per_record.values()))
    se, ppv = [], []
    for _ in range(BOOTSTRAP):
        t = c[rng.integers(0, len(c), len(c))].sum(axis=0)
        se.append(100 * t[0] / max(1, t[0] + t[1]))
        ppv.append(100 * t[0] / max(1, t[0] + t[2]))
    q = lambda a: [round(float(np.percentile(a, 2.5)), 1), round(float(np.percentile(a, 97.5)), 1)]
    return {'se': q(se), 'ppv': q(ppv)}


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, '.pvc-dataset')
    meta = json.load(open(os.path.join(data, 'meta.json')))
    if meta['values'] != ['pre', 'post', 'local', 'pre/local', 'post/local']:
        sys.exit(f'train_pvc: {data}/meta.json: rr values {meta["values"]} are not the ones this script was written for')
    x = zscore(np.load(os.path.join(data, 'windows.npy')))
    rr = np.load(os.path.join(data, 'rr.npy')).astype(np.float32)
    y = np.load(os.path.join(data, 'labels.npy')).astype(np.int64)
    rec = np.load(os.path.join(data, 'records.npy'))
    names = [r['record'] for r in meta['records']]
    ds1 = [k for k, r in enumerate(meta['records']) if r['set'] == 'DS1']
    smoke = [k for k, r in enumerate(meta['records']) if r['set'] == 'smoke']
    fold = folds_by_record(rec, y, ds1)
    started = time.time()

    # Grouped CV over the grid: out-of-fold VEB counts per record, per setting and epoch checkpoint.
    cv = {}
    for gi, cfg in enumerate(GRID):
        per = {e: {} for e in EPOCH_CHECKPOINTS}
        for f in range(FOLDS):
            tr = np.isin(rec, [r for r in ds1 if fold[r] != f])
            va = [r for r in ds1 if fold[r] == f]

            def score_fold(epoch, model):
                if epoch in per:
                    for r in va:
                        m = rec == r
                        per[epoch][r] = counts(y[m], predict(model, x[m], rr[m]))
            train(x[tr], rr[tr], y[tr], cfg, max(EPOCH_CHECKPOINTS), SEED + f, score_fold)
        for e in EPOCH_CHECKPOINTS:
            cv[(gi, e)] = per[e]
            print(f'train_pvc: cv width {cfg["width"]} N share {cfg["n_share"]} weight^{cfg["weight_power"]} {e} epochs: {scores(sum(per[e].values()))}  ({time.time() - started:.0f} s)', file=sys.stderr)
    best = max(cv, key=lambda k: scores(sum(cv[k].values()))['f1'])
    cfg, epochs = GRID[best[0]], best[1]
    per_record = cv[best]
    rng = np.random.default_rng(SEED)
    cv_result = {'setting': {**cfg, 'epochs': epochs}, 'gross': scores(sum(per_record.values())), 'ci95': bootstrap(per_record, rng),
                 'records': {names[r]: scores(c) for r, c in sorted(per_record.items(), key=lambda kv: names[kv[0]])},
                 'grid': [{**GRID[g], 'epochs': e, **scores(sum(c.values()))} for (g, e), c in cv.items()]}

    # The shipped model: the chosen setting on all of DS1.
    tr = np.isin(rec, ds1)
    model = train(x[tr], rr[tr], y[tr], cfg, epochs, SEED)
    model.eval()
    smoke_result = {}
    for r in smoke:
        m = rec == r
        c = counts(y[m], predict(model, x[m], rr[m]))
        missed = meta['records'][r]['refV'] - meta['records'][r]['V']
        smoke_result[names[r]] = {**scores(c), 'refV': meta['records'][r]['refV'], 'vNotDetected': missed}
    smoke_result['gross'] = scores(sum(np.array([v['tp'], v['fn'], v['fp']]) for v in smoke_result.values()))

    onnx_path = os.path.join(MODEL_DIR, 'pvc.onnx')
    example = (torch.zeros(1, 1, meta['width']), torch.ones(1, rr.shape[1]))
    torch.onnx.export(model, example, onnx_path, input_names=['signal', 'rr'], output_names=['probs'], opset_version=13,
                      dynamic_axes={'signal': {0: 'batch'}, 'rr': {0: 'batch'}, 'probs': {0: 'batch'}})
    onnx.checker.check_model(onnx.load(onnx_path))
    params = sum(p.numel() for p in model.parameters())

    write_fixture(model, meta['width'])
    metrics = {'seed': SEED, 'folds': FOLDS, 'tolerance_s': meta['toleranceSec'], 'parameters': params, 'train_beats': {'N': int((y[tr] == 0).sum()), 'V': int((y[tr] == 1).sum())},
               'cv': cv_result, 'smoke': smoke_result, 'folds_by_record': {names[r]: f for r, f in sorted(fold.items())}}
    json.dump(metrics, open(os.path.join(MODEL_DIR, 'metrics.json'), 'w'), indent=1)
    write_card(metrics, meta)
    print(f'train_pvc: {onnx_path} ({params} parameters), CV {cv_result["gross"]}, smoke {smoke_result["gross"]}  ({time.time() - started:.0f} s)', file=sys.stderr)


def write_fixture(model, width):
    """Synthetic inputs (no recorded data) and the exported model's outputs on them, for the npm test."""
    rng = np.random.default_rng(SEED)
    t = np.arange(width, dtype=np.float64)
    beat = 90

    def pulse(sd):
        return np.exp(-0.5 * ((t - beat) / sd) ** 2)
    signals = [pulse(4), pulse(14), -pulse(12) + 0.3 * pulse(40), rng.normal(size=width), np.sin(t / 9), pulse(4) + 0.2 * rng.normal(size=width)]
    rrs = [[0.8, 0.8, 0.8, 1.0, 1.0], [0.5, 1.1, 0.8, 0.625, 1.375], [0.45, 1.2, 0.85, 0.53, 1.41], [0.8, 0.8, 0.8, 1.0, 1.0], [1.2, 0.6, 1.0, 1.2, 0.6], [0.4, 0.4, 0.42, 0.95, 0.95]]
    xs = zscore(np.array(signals))
    rs = np.array(rrs, dtype=np.float32)
    probs = model(torch.from_numpy(xs).unsqueeze(1), torch.from_numpy(rs)).detach().numpy()
    os.makedirs(os.path.dirname(FIXTURE), exist_ok=True)
    json.dump({'about': 'Synthetic inputs (Gaussian pulses, noise, a sine) and pvc.onnx outputs from scripts/train_pvc.py; no recorded data.',
               'signal': [[float(v) for v in s] for s in xs], 'rr': rs.tolist(), 'probs': probs.tolist()}, open(FIXTURE, 'w'))


def write_card(m, meta):
    cv = m['cv']
    pct = lambda v, n: f'{v:.1f}' if n > 0 else '-'
    rows = '\n'.join(f'| {r} | {s["tp"] + s["fn"]} | {s["tp"]} | {s["fn"]} | {s["fp"]} | {pct(s["se"], s["tp"] + s["fn"])} | {pct(s["ppv"], s["tp"] + s["fp"])} |' for r, s in cv['records'].items())
    worst = lambda key: ', '.join(f'{r} ({s[key]})' for r, s in sorted(cv['records'].items(), key=lambda kv: -kv[1][key])[:3])
    grid = '\n'.join(f'| {g["width"]} | {g["n_share"]} | {g["weight_power"]} | {g["epochs"]} | {g["se"]:.1f} | {g["ppv"]:.1f} | {g["f1"]:.1f} |' for g in cv['grid'])
    sm = m['smoke']
    s = cv['setting']
    text = f"""# Model card: pvc (bundled)

Generated by `npm run train:pvc` (scripts/pvc-dataset.ts + scripts/train_pvc.py, seed {m['seed']}); a rerun on the same
data reproduces these numbers. Every figure below is from DS1 cross-validation or the 2-record smoke test.

## What it does

Classifies each detected beat of one ECG lead as **N** (AAMI N: MIT-BIH N, L, R, e, j) or **V** (AAMI VEB:
V, E). The host runs it on every beat our detector finds (`trigger: beats`); `display.marks: ["V"]` puts a
mark on the trace for V beats. It says nothing about S (supraventricular), F (fusion) or Q beats: it was
neither trained nor scored on them, and will call them N or V.

## Inputs (as `pvc.onnx.json` declares them)

- `signal` [batch, 1, {meta['width']}] (NCW): lead MLII (or a lead like it) at {meta['rate']} Hz, {meta['before']} samples before the
  beat's sample and {meta['after']} from it (0.25 s / 0.40 s), z-scored per window (population std).
- `rr` [batch, 5]: RR intervals between detected beats in seconds: pre, post, local (mean of the up to 10
  intervals ending at the beat), pre/local, post/local. A beat needs the next one (post), so the first and
  last beat of a stretch have no output.
- Output `probs` [batch, 2]: softmax probabilities of N, V; the label is the larger.

## Data

MIT-BIH Arrhythmia Database (Moody & Mark 2001; PhysioNet, ODC-By 1.0), 360 Hz, lead MLII (channel 1
of record 114, channel 0 elsewhere). Beats come from our own detector (`analyzeEcg`, the code the app
runs) on the raw record, matched to the reference annotations within ±{int(m['tolerance_s'] * 1000)} ms; unmatched detections and
beats of other classes are left out. **Training and model selection used DS1 only** (de Chazal et al.
2004: {len(cv['records'])} records, {m['train_beats']['N']} N and {m['train_beats']['V']} V beats); paced records (102, 104, 107, 217) are excluded
by AAMI convention. DS2 is the test set: only 100 and 105 are here (a smoke test below); the rest of DS2 is
held back and scored independently.

## Architecture and training

A 1-D CNN ({m['parameters']} parameters): a mean over 3 samples (360 -> 120 Hz), three conv layers (kernel 7, 5, 5; width {s['width']}, {2 * s['width']}, {2 * s['width']}; batch norm,
ReLU, max-pool 2 after the first two), global mean and max pooling, joined with a 16-unit layer on the
log RR features, then 32 units, dropout 0.2, 2 outputs, softmax. Adam (lr 2e-3, weight decay 1e-4),
batch 512, {s['epochs']} epochs, each of every V beat and a fresh {s['n_share']} share of the N beats, cross-entropy
weighted for V by (N drawn / V)^{s['weight_power']}; augmentation: Gaussian noise
(0.05 of the window's std) and a common scale of the three RR durations (another heart rate, same
rhythm). Exported with `torch.onnx.export`, opset 13, dynamic batch; checked with `onnx.checker`.

Model selection: grouped {m['folds']}-fold cross-validation on DS1, folds by record (records dealt in order of
their V count), never by beat; the setting with the best gross VEB F1 out of fold was then trained on all of
DS1:

| width | N share | V weight power | epochs | Se % | +P % | F1 % |
|---|---|---|---|---|---|---|
{grid}

## Metrics (DS1, grouped cross-validation, chosen setting)

Gross VEB over DS1 out of fold: **Se {cv['gross']['se']:.1f} %** (95 % CI {cv['ci95']['se'][0]}-{cv['ci95']['se'][1]}), **+P {cv['gross']['ppv']:.1f} %**
(95 % CI {cv['ci95']['ppv'][0]}-{cv['ci95']['ppv'][1]}); intervals by bootstrap over records ({BOOTSTRAP} resamples), since beats of
one record are not independent. Scored on detected and matched beats; V beats the detector missed are not
in these figures (see the per-record counts). Note the selection used these same folds, so they are
slightly optimistic for the chosen setting.

| record | V | TP | FN | FP | Se % | +P % |
|---|---|---|---|---|---|---|
{rows}

## Smoke test on DS2 records 100 and 105 (2 records only)

This is **two records**, not an evaluation: 100 has {sm['100']['refV']} V beat, 105 has {sm['105']['refV']} (and heavy noise).

| record | V | TP | FN | FP | Se % | +P % |
|---|---|---|---|---|---|---|
| 100 | {sm['100']['tp'] + sm['100']['fn']} | {sm['100']['tp']} | {sm['100']['fn']} | {sm['100']['fp']} | {sm['100']['se']:.1f} | {sm['100']['ppv']:.1f} |
| 105 | {sm['105']['tp'] + sm['105']['fn']} | {sm['105']['tp']} | {sm['105']['fn']} | {sm['105']['fp']} | {sm['105']['se']:.1f} | {sm['105']['ppv']:.1f} |

The target on the held-out DS2 (VEB Se >= 90 %, +P >= 90 %; de Chazal 2004: 77.7 / 81.9) is checked
independently; the cross-validation above is what this card can say about it.

## Known failure modes

- Most false V out of fold: {worst('fp')}; most missed V: {worst('fn')}. Wide normal beats (bundle
  branch block: L and R count as N) and V beats that look like the record's normal beats in MLII are
  where it errs; inter-patient, a new patient's morphology is the main risk, and +P is the weak side.
- Noise and motion artefact (record 105): a noisy stretch gives wide, odd windows and irregular RR, read
  as V. Our detector's false beats in noise get a label too.
- The RR features come from detected beats: a missed or extra detection changes pre/post of its
  neighbours, and a beat after a gap or at the start has no local history (fewer than 10 intervals).
- One lead only, MLII-like; other leads, other electrode placements and other sample rates (resampled to
  {meta['rate']} Hz by the host) were never seen in training.
- Fusion (F), supraventricular (S) and paced beats are outside its classes; paced records were excluded.
"""
    with open(os.path.join(MODEL_DIR, 'MODEL_CARD.md'), 'w') as f:
        f.write(text)


if __name__ == '__main__':
    main()
