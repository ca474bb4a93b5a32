"""The paper's demonstration (Keras-Prov, SBBD 2021) as a script.

AlexNet classifies 17 classes of flowers with Adam (learning rate 0.001), relu and a
step-decay learning-rate scheduler, with ``adaptation=True``: once without a filter and once
after a gray-scale ``Filter`` transformation. It then prints the paper's Table 1
(epoch / learning rate / technique) and Table 2 (filter / accuracy / epochs), computed by
SQL over the store. The model code is in ``kerasprov/demo.py``; read ``train_once`` there.

    python examples/alexnet.py                    # synthetic flowers, ~1-2 min on 2 CPU cores
    python examples/alexnet.py --epochs 20 --store runs/
    python examples/alexnet.py --data-dir 17flowers/jpg   # real images, one folder per class
    python examples/alexnet.py --full             # 224x224, for a GPU

Same as ``kerasprov demo``.
"""

import os
import sys

os.environ.setdefault("KERAS_BACKEND", "torch")

from kerasprov.cli import main

if __name__ == "__main__":
    main(["demo", *sys.argv[1:]])
