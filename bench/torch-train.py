"""Trains μNAS architecture graphs with PyTorch on one CPU thread, for the training-speed benchmark.

Protocol (one JSON document per line): first prints {"torch": version} (or {"error": ...} and exits);
then, for each request {"graph": ArchGraph, "batch": n, "warmup": n, "steps": n} on stdin, prints
{"samplesPerSec": x} or {"error": message}. Each step does what the project's trainer does: a forward
pass in training mode, softmax clipped to [1e-7, 1], cross-entropy, backward, Adam.
"""
import json
import math
import sys
import time

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as e:  # the benchmark reports PyTorch as unavailable
    print(json.dumps({"error": f"torch not importable: {e}"}), flush=True)
    sys.exit(0)


def tf_pads(size, kernel, stride, padding):
    """TensorFlow's (before, after) padding of one axis; 'same' puts the odd cell after."""
    if padding == "valid":
        return 0, 0
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


class Node(nn.Module):
    def __init__(self, node, shapes):
        super().__init__()
        op = node["op"]
        self.kind = op["kind"]
        self.inputs = node["inputs"]
        ins = [shapes[i] for i in self.inputs]
        self.pad = None
        self.post = nn.Sequential()
        if self.kind in ("conv2d", "dwconv2d", "pool"):
            h, w, c = ins[0]
            kernel = op["size"] if self.kind == "pool" else op["kernel"]
            ph = tf_pads(h, kernel[0], op["stride"][0], op["padding"])
            pw = tf_pads(w, kernel[1], op["stride"][1], op["padding"])
            symmetric = ph[0] == ph[1] and pw[0] == pw[1]
            inner = (ph[0], pw[0]) if symmetric else (0, 0)
            if not symmetric:
                self.pad = (pw[0], pw[1], ph[0], ph[1])
            if self.kind == "conv2d":
                self.layer = nn.Conv2d(c, op["filters"], kernel, op["stride"], inner)
            elif self.kind == "dwconv2d":
                self.layer = nn.Conv2d(c, c * op["multiplier"], kernel, op["stride"], inner, groups=c)
            elif op["type"] == "max":
                self.layer = nn.MaxPool2d(kernel, op["stride"], inner)
            else:
                self.layer = nn.AvgPool2d(kernel, op["stride"], inner, count_include_pad=False)
        elif self.kind == "dense":
            self.layer = nn.Linear(math.prod(ins[0]), op["units"])
        elif self.kind == "dropout":
            self.layer = nn.Dropout(op["rate"])
        elif self.kind == "batchnorm":
            self.layer = (nn.BatchNorm2d if len(ins[0]) == 3 else nn.BatchNorm1d)(ins[0][-1], eps=1e-3, momentum=0.01)
        if self.kind in ("conv2d", "dwconv2d", "dense"):
            channels = node["shape"][-1]
            if op["batchnorm"]:
                bn = nn.BatchNorm2d if self.kind != "dense" else nn.BatchNorm1d
                self.post.append(bn(channels, eps=1e-3, momentum=0.01))
        act = op.get("activation") if self.kind != "activation" else op["fn"]
        if act == "relu":
            self.post.append(nn.ReLU())
        elif act == "relu6":
            self.post.append(nn.ReLU6())

    def forward(self, xs):
        x = xs[0]
        k = self.kind
        if k in ("conv2d", "dwconv2d", "pool"):
            if self.pad is not None:
                x = F.pad(x, self.pad, value=-math.inf if k == "pool" and self.layer.__class__ is nn.MaxPool2d else 0.0)
            x = self.layer(x)
        elif k == "dense":
            x = self.layer(x.flatten(1))
        elif k == "global-pool":
            x = x.mean((2, 3)) if self.op_type == "avg" else x.amax((2, 3))
        elif k == "flatten":
            x = x.permute(0, 2, 3, 1).flatten(1)  # NHWC order, as in the trained model
        elif k == "add":
            for y in xs[1:]:
                x = x + y
        elif k == "concat":
            x = torch.cat(xs, 1)
        elif k == "softmax":
            x = torch.softmax(x, -1)
        elif k in ("dropout", "batchnorm"):
            x = self.layer(x)
        return self.post(x)


class Net(nn.Module):
    def __init__(self, graph):
        super().__init__()
        shapes = [n["shape"] for n in graph["nodes"]]
        self.nodes = nn.ModuleList()
        for n in graph["nodes"][1:]:
            m = Node(n, shapes)
            if n["op"]["kind"] == "global-pool":
                m.op_type = n["op"]["type"]
            self.nodes.append(m)
        self.output = graph["output"]

    def forward(self, x):
        outs = [x]
        for m in self.nodes:
            outs.append(m([outs[i] for i in m.inputs]))
        return outs[self.output]


def samples_per_sec(graph, batch, warmup, steps):
    torch.manual_seed(1)
    net = Net(graph)
    net.train()
    h, w, c = graph["nodes"][0]["shape"]
    classes = graph["nodes"][graph["output"]]["shape"][-1]
    x = torch.rand(batch, c, h, w)
    y = F.one_hot(torch.randint(0, classes, (batch,)), classes).float()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)

    def step():
        opt.zero_grad()
        p = net(x).clamp(1e-7, 1)
        loss = -(y * p.log()).sum(-1).mean()
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(warmup):
        step()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    return steps * batch / (time.perf_counter() - t0)


def main():
    torch.set_num_threads(1)
    print(json.dumps({"torch": torch.__version__}), flush=True)
    for line in sys.stdin:
        try:
            req = json.loads(line)
            r = {"samplesPerSec": samples_per_sec(req["graph"], req["batch"], req["warmup"], req["steps"])}
        except Exception as e:  # noqa: BLE001 - reported to the benchmark, which goes on
            r = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(r), flush=True)


main()
