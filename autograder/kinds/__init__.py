"""Answer kinds: one small module per kind of answer (number, shape, Big-O
growth, ratio, written), each reading student text with the shared, bounded
parser in `expression` and never with eval or a computer-algebra parser."""
