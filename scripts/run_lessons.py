#!/usr/bin/env python3
"""Executes lesson notebooks headlessly with a Jupyter kernel (nbclient), one after another: tslab, or --kernel deno.

Called by `npm run lessons` (lib/cli/lessonsCommand.ts), which chooses the notebooks, the profile
(FMNIST_PROFILE in the environment) and where executed copies go. For each notebook it prints one JSON
line on stdout: {"lesson", "ok", "seconds", "output", "records"} on success, or
{"lesson", "ok": false, "cell", "error"} at the first failing cell, and then stops with exit code 2.

--rounds N runs each notebook N times in the same kernel, as a learner who clicks Run All again does; the notebook
written is the last round's. After each round a probe (PROBE below, not kept in the notebook) reads the kernel's live
tensors and listening servers, and the report gains "rounds": [{"tensors", "servers", "seconds"}, ...], one per round.

SIGINT or SIGTERM (the lesson command passes Ctrl-C on) stops the run: nbclient shuts the kernel down, the
runner prints {"lesson", "ok": false, "stopped": true} and exits with 130, writing no notebook at all.
"""
import argparse
import json
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

RESULT_MIME = "application/vnd.fmnist.result+json"
PROBE_MARK = "fmnist-probe "
# What a lesson holds after a round: tfjs's live tensors and the process's listening TCP servers.
PROBE = (
    '{ const tf = require("@tensorflow/tfjs");'
    ' const servers = (process as any).getActiveResourcesInfo().filter((r: string) => r === "TCPServerWrap").length;'
    f' console.log("{PROBE_MARK}" + JSON.stringify({{ tensors: tf.memory().numTensors, servers }})); }}'
)


def result_records(nb):
    """The result records the lesson displayed, in order."""
    records = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if RESULT_MIME in data:
                value = data[RESULT_MIME]
                records.append(json.loads(value) if isinstance(value, str) else value)
    return records


def failing_cell(nb):
    """Index (1-based, counting code cells) and source of the first cell whose outputs hold an error."""
    code_index = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        code_index += 1
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return code_index, cell.source
    return None, None


def probe(client, nb):
    """Runs PROBE in the client's kernel as one more cell, taken out of the notebook again, and returns its reading."""
    cell = nbformat.v4.new_code_cell(PROBE)
    nb.cells.append(cell)
    try:
        client.execute_cell(cell, len(nb.cells) - 1)
    finally:
        nb.cells.pop()
    lines = "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stdout").splitlines()
    return json.loads(next(line for line in reversed(lines) if line.startswith(PROBE_MARK))[len(PROBE_MARK):])


def execute_rounds(client, nb, rounds):
    """Runs the notebook `rounds` times in one kernel; returns the probe's reading after each round (none for one)."""
    if rounds == 1:
        client.execute()
        return []
    readings = []
    try:
        for _ in range(rounds):
            started = time.time()
            client.execute(cleanup_kc=False)
            readings.append({**probe(client, nb), "seconds": round(time.time() - started, 1)})
    finally:
        # shut the kernel down as execute() does when it owns it, unless nbclient's SIGINT/SIGTERM handler already did
        if client.km is not None:
            client._cleanup_kernel()
    return readings


def write_atomic(path, text):
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def export_html(nb, path):
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_notebook_node(nb)
    write_atomic(path, body)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("notebooks", nargs="+")
    parser.add_argument("--out-dir", required=True, help="where executed notebooks are written (may be the notebooks' own folder)")
    parser.add_argument("--html", action="store_true", help="also export each executed notebook to HTML beside it")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds one cell may run")
    parser.add_argument("--kernel", default="tslab")
    parser.add_argument("--rounds", type=int, default=1, help="times to run each notebook in the same kernel")
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    for path in args.notebooks:
        lesson = os.path.splitext(os.path.basename(path))[0]
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(
            nb,
            timeout=args.timeout,
            kernel_name=args.kernel,
            resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}},
        )
        started = time.time()
        try:
            rounds = execute_rounds(client, nb, args.rounds)
        except (DeadKernelError, KeyboardInterrupt):
            # nbclient's own SIGINT/SIGTERM handler has shut the kernel down; a stopped run leaves every file as it was
            print(json.dumps({"lesson": lesson, "ok": False, "stopped": True, "error": "stopped before the lesson ended"}), flush=True)
            return 130
        except (CellExecutionError, CellTimeoutError) as error:
            cell, source = failing_cell(nb)
            message = str(error).strip().splitlines()
            print(json.dumps({"lesson": lesson, "ok": False, "cell": cell, "source": source, "error": "\n".join(message[-12:])}), flush=True)
            failed = os.path.join(args.out_dir, f"{lesson}.failed.ipynb")
            write_atomic(failed, nbformat.writes(nb))
            return 2
        out = os.path.join(args.out_dir, os.path.basename(path))
        write_atomic(out, nbformat.writes(nb))
        if args.html:
            export_html(nb, os.path.splitext(out)[0] + ".html")
        report = {"lesson": lesson, "ok": True, "seconds": round(time.time() - started, 1), "output": out, "records": result_records(nb)}
        if rounds:
            report["rounds"] = rounds
        print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
