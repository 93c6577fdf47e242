#!/usr/bin/env python3
"""Fuzz the .docx reader: ``read_document`` on any bytes raises nothing but ReadError.

The bytes are written to a file with a .docx suffix and read with
``contractkit.reading.read_document``. A failure is any exception other than
ReadError, and a ReadError with the code ``crashed`` (the reader's catch-all
for an exception it did not expect: a bug, reported with its cause).

    python fuzz/fuzz_docx_reader.py                          # atheris, corpus in fuzz/corpus/
    python fuzz/fuzz_docx_reader.py fuzz/corpus -max_total_time=600 -jobs=2 -workers=2
    python fuzz/fuzz_docx_reader.py --hypothesis 5000        # without atheris: Hypothesis drives it
    python fuzz/fuzz_docx_reader.py --make-corpus [DIR]      # write the seed files only
    python fuzz/fuzz_docx_reader.py --replay FILE...         # run saved inputs (crash-*) without atheris

With atheris the remaining arguments are libFuzzer's. The seed corpus is
built at run time (nothing binary is committed): small hand-made packages
from tests/reading_fixtures.py and the sample contracts. See fuzz/README.md.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_CORPUS = HERE / "corpus"
for folder in (REPO / "tests", REPO):  # the seed builders; the checkout's contractkit
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

read_document = ReadError = None  # bound by _import_reader (under atheris: instrumented)


def _import_reader(instrument: bool = False) -> None:
    global read_document, ReadError
    modules = ("contractkit.reading", "contractkit.reading.sniff", "contractkit.reading.safety",
               "contractkit.reading.docx_reader", "contractkit.reading.numbering", "contractkit.reading.clauses",
               "contractkit.reading.text_reader", "contractkit.reading.pdf_reader")
    import importlib

    if instrument:
        import atheris

        # read_document imports its format readers lazily: import them all here, inside the block.
        with atheris.instrument_imports(include=["contractkit"]):
            for name in modules:
                importlib.import_module(name)
        # atheris itself has imported zipfile already; instrument what is loaded now (zipfile, zlib's
        # Python side, …) so that coverage guides the fuzzer through the zip layer too.
        atheris.instrument_all()
    else:
        for name in modules:
            importlib.import_module(name)
    reading = sys.modules["contractkit.reading"]
    read_document, ReadError = reading.read_document, reading.ReadError


_scratch_dir: Path | None = None


def _scratch() -> Path:
    global _scratch_dir
    if _scratch_dir is None:
        _scratch_dir = Path(tempfile.mkdtemp(prefix="contractkit-fuzz-"))
        atexit.register(shutil.rmtree, _scratch_dir, ignore_errors=True)
    return _scratch_dir / "input.docx"


def TestOneInput(data: bytes) -> None:  # the name atheris and libFuzzer expect
    if read_document is None:
        _import_reader()
    path = _scratch()
    path.write_bytes(data)
    try:
        document = read_document(path)
    except ReadError as err:
        if err.code == "crashed":
            raise AssertionError(f"read_document's catch-all fired: {err}") from err.__cause__
        return
    assert document.blocks, "a document without blocks was returned"
    for block in document.blocks:
        assert block.text, "an empty block was returned"


# ------------------------------------------------------------------ seeds and the Hypothesis fallback


@functools.cache
def seeds() -> dict[str, bytes]:
    from fuzz_support import sample_docx_files, seed_files

    return {**seed_files(), **sample_docx_files()}


def make_corpus(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for name, data in seeds().items():
        target = folder / f"seed-{name}"
        if not target.exists():
            target.write_bytes(data)
            written += 1
    return written


@functools.cache
def inputs():
    """A Hypothesis strategy: seeds damaged at the byte or zip level, and raw bytes."""
    from hypothesis import strategies as st

    from fuzz_support import mutated

    return st.one_of(
        mutated(seeds()),
        st.binary(max_size=2048),
        st.binary(max_size=512).map(lambda tail: b"PK\x03\x04" + tail),
    )


def run_hypothesis(examples: int) -> None:
    from hypothesis import given

    from fuzz_support import fuzz_settings

    @fuzz_settings(examples, max_examples=examples)
    @given(inputs())
    def fuzz(data: bytes) -> None:
        TestOneInput(data)

    fuzz()
    print(f"{examples} Hypothesis examples: read_document raised nothing but ReadError")


def replay(files: list[str]) -> int:
    failed = 0
    for name in files:
        try:
            TestOneInput(Path(name).read_bytes())
        except Exception:  # noqa: BLE001 - report each, go on
            import traceback

            failed += 1
            print(f"FAIL {name}", file=sys.stderr)
            traceback.print_exc()
        else:
            print(f"ok   {name}")
    return 1 if failed else 0


def run_atheris(argv: list[str]) -> None:
    import atheris

    _import_reader(instrument=True)
    positional = [arg for arg in argv[1:] if not arg.startswith("-")]
    if not positional:
        argv = [argv[0], str(DEFAULT_CORPUS), *argv[1:]]
        positional = [str(DEFAULT_CORPUS)]
    for arg in positional:
        folder = Path(arg)
        if not folder.is_file() and (not folder.exists() or not any(folder.iterdir())):
            print(f"seeding {folder} with {make_corpus(folder)} files", file=sys.stderr)
    atheris.Setup(argv, TestOneInput)
    atheris.Fuzz()


def main(argv: list[str]) -> int:
    if len(argv) > 1 and argv[1] == "--hypothesis":
        run_hypothesis(int(argv[2]) if len(argv) > 2 else 1000)
        return 0
    if len(argv) > 1 and argv[1] == "--make-corpus":
        folder = Path(argv[2]) if len(argv) > 2 else DEFAULT_CORPUS
        print(f"wrote {make_corpus(folder)} seed files to {folder}")
        return 0
    if len(argv) > 1 and argv[1] == "--replay":
        return replay(argv[2:])
    try:
        import atheris  # noqa: F401
    except ImportError:
        print("atheris is not installed (pip install atheris); running the Hypothesis fallback instead.\n"
              "  python fuzz/fuzz_docx_reader.py --hypothesis N", file=sys.stderr)
        run_hypothesis(1000)
        return 0
    run_atheris(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
