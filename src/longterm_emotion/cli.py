"""The `longterm-emotion` console command.

    longterm-emotion predict --models results --out preds recording.wav [more.flac ...]

predicts arousal and valence for each audio file with the pipeline's model bundles
(see longterm_emotion.serving). Bad input stops with one line naming the file.
"""

from __future__ import annotations

import argparse
import logging
import sys

from . import __version__
from .constants import DIMENSIONS
from .errors import InputDataError
from .files import WriteError


def dimension_list(text: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [n for n in names if n not in DIMENSIONS]
    if not names or unknown:
        raise argparse.ArgumentTypeError(f"{text!r}: choose from {', '.join(DIMENSIONS)}")
    return names


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value}: need at least 1 thread")
    return value


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(prog="longterm-emotion", description=__doc__.split("\n\n")[0])
    main_parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = main_parser.add_subparsers(dest="command", required=True)
    predict = commands.add_parser(
        "predict", help="predict arousal and valence for audio files",
        description="Predict arousal and valence (25 Hz) for WAV/FLAC/OGG files with trained model bundles. "
                    "Writes OUT/<stem>.csv (time, arousal, valence, arousal_std, valence_std), "
                    "OUT/<dimension>/<stem>.arff (AVEC gold standard format) and OUT/<stem>.png.")
    predict.add_argument("audio", nargs="+", metavar="AUDIO", help="audio files or folders of them")
    predict.add_argument("--models", required=True, metavar="DIR",
                         help="a results folder (its models/*.pt) or a folder of model bundles")
    predict.add_argument("--out", required=True, metavar="OUT", help="output folder (created)")
    predict.add_argument("--model", default=None, metavar="NETWORK",
                         help="network to use, by its name in the bundles (e.g. dilated, downup, blstm; default: "
                              "the best by dev CCC, per dimension)")
    predict.add_argument("--dimensions", type=dimension_list, default=DIMENSIONS, metavar="DIM[,DIM]",
                         help=f"dimensions to predict, comma-separated (default: {','.join(DIMENSIONS)})")
    predict.add_argument("--threads", type=positive_int, default=None, metavar="N",
                         help="torch threads, at least 1 (default: torch's choice)")
    predict.add_argument("--quiet", action="store_true", help="print errors only")
    return main_parser


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(message)s")
    if args.threads is not None:
        import torch

        torch.set_num_threads(args.threads)
    from .serving.predict import predict_files  # torch loads only for a command that needs it

    try:
        predict_files(args.audio, args.models, args.out, network=args.model, dimensions=args.dimensions)
    except (InputDataError, WriteError) as exc:
        print(f"longterm-emotion: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
