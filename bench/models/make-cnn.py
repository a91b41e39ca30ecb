"""A 1-D CNN of ~100k parameters on 2 s windows at 100 Hz (input [N, 1, 200]), exported to ONNX with
its manifest (sliding every 0.5 s), for the inference benchmark: `make-cnn.py OUT_DIR`. Random
weights, seeded: only its cost is measured. Made at bench time, never committed."""
import json
import os
import sys

import torch
from torch import nn

torch.manual_seed(0)
out = sys.argv[1]
model = nn.Sequential(
    nn.Conv1d(1, 32, 7, padding=3), nn.ReLU(),
    nn.Conv1d(32, 64, 7, padding=3), nn.ReLU(), nn.MaxPool1d(2),
    nn.Conv1d(64, 96, 5, padding=2), nn.ReLU(), nn.MaxPool1d(2),
    nn.Conv1d(96, 128, 5, padding=2), nn.ReLU(),
    nn.AdaptiveAvgPool1d(1), nn.Flatten(), nn.Linear(128, 2),
).eval()
params = sum(p.numel() for p in model.parameters())
file = os.path.join(out, "cnn100k.onnx")
torch.onnx.export(model, torch.zeros(1, 1, 200), file, input_names=["x"], output_names=["logits"],
                  dynamic_axes={"x": {0: "N"}, "logits": {0: "N"}}, opset_version=13)
manifest = {
    "name": "cnn100k", "version": "1", "description": f"Benchmark CNN, {params} parameters, random weights.",
    "inputs": [{"name": "x", "source": "signal", "kind": "ecg", "channels": 1, "rate": 100, "before": 2, "after": 0,
                "normalise": {"type": "zscore"}, "layout": "NCW"}],
    "trigger": {"type": "sliding", "hop": 0.5},
    "output": {"name": "logits", "type": "classes", "labels": ["a", "b"], "activation": "none"},
}
with open(file + ".json", "w") as f:
    json.dump(manifest, f)
print(params)
