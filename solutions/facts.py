"""Reference facts that are read, not computed (Extra Q2.c.iii), with their source."""

CUTOUT = {
    "source": "DeVries & Taylor (2017), Improved Regularization of Convolutional "
              "Neural Networks with Cutout, arXiv:1708.04552",
    "patch_side": {"cifar10": 16, "cifar100": 8},
    "chosen_by": "a grid search over patch sizes, keeping the one with the best "
                 "validation accuracy (10% of the training set held out)",
}
