#!/usr/bin/env python3
"""Interrupts a training cell in one of the project's kernels the way Jupyter does, and reports what happened.

Used by test/interrupt-jupyter.test.ts (run with /usr/bin/python3 and JUPYTER_PATH pointing at the project's
kernelspecs): `kernel_interrupt.py NOTEBOOK_DIR [KERNEL]`, KERNEL tslab (default) or deno. Starts the kernel through
jupyter_client, defines a variable, starts a long training cell, waits until batches are running, calls
KernelManager.interrupt_kernel() (SIGINT, as the Notebook's stop button does), then measures: when the cell ended,
when the board said it stopped, when the kernel process went idle (CPU), whether the variable and the weights
survived, whether the next cell's training runs to its end, and whether an interrupt while nothing runs leaves the
kernel alive. Prints one JSON object; the test judges it.
"""
import json
import os
import sys
import time
from queue import Empty

from jupyter_client.manager import KernelManager

SETUP = """
import * as fm from "../dist/lib";
const answer = 6 * 7;
await fm.selectBackend();
const data = await fm.loadFashionMnist();
const small = data.train.subset(2000);
const model = fm.createPreset("cnn-simple", { seed: 0 });
const weightSum = () => model.getWeights().map((w) => Array.from(w.dataSync() as Float32Array).reduce((a, b) => a + b, 0)).reduce((a, b) => a + b, 0).toFixed(6);
const initialWeights = weightSum();
"""
TRAIN = 'const fit = await fm.train(model, small, { epochs: 100, board: { updateEveryMs: 100 } });'
NEXT_TRAIN = """
const again = await fm.train(model, small.subset(500), { epochs: 2, board: false });
console.log(JSON.stringify({ epochs: again.history.loss.length, interrupted: again.interrupted ?? null }));
"""


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_share(pid, seconds):
    """Cores the process kept busy over the next `seconds` (1.0 = one core)."""
    start = cpu_seconds(pid)
    time.sleep(seconds)
    return (cpu_seconds(pid) - start) / seconds


def texts(msg):
    """Everything printable in an iopub message: stream text and the plain-text part of displays."""
    content = msg["content"]
    if msg["msg_type"] == "stream":
        return content.get("text", "")
    if msg["msg_type"] in ("display_data", "update_display_data", "execute_result"):
        return str(content.get("data", {}).get("text/plain", ""))
    if msg["msg_type"] == "error":
        return "\n".join([content.get("ename", ""), content.get("evalue", "")])
    return ""


class Cell:
    """One executed cell: its iopub messages (with arrival times) and its reply."""

    def __init__(self, kc, code):
        self.kc = kc
        self.msg_id = kc.execute(code)
        self.messages = []
        self.reply_at = None

    def pump(self, timeout):
        """Reads iopub and shell messages for up to `timeout` seconds; returns the new iopub ones."""
        new = []
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                msg = self.kc.get_iopub_msg(timeout=0.05)
                msg["at"] = time.time()
                if msg["parent_header"].get("msg_id") == self.msg_id or msg["msg_type"] == "update_display_data":
                    self.messages.append(msg)
                    new.append(msg)
            except Empty:
                pass
            if self.reply_at is None:
                try:
                    reply = self.kc.get_shell_msg(timeout=0.0)
                    if reply["parent_header"].get("msg_id") == self.msg_id:
                        self.reply_at = time.time()
                        self.reply = reply
                except Empty:
                    pass
        return new

    def run_to_end(self, timeout):
        deadline = time.time() + timeout
        while self.reply_at is None and time.time() < deadline:
            self.pump(0.2)
        self.pump(0.3)
        if self.reply_at is None:
            raise RuntimeError(f"cell did not end within {timeout} s: {self.output()[-500:]}")
        return self

    def output(self):
        return "\n".join(texts(m) for m in self.messages)


def main():
    report = {}
    km = KernelManager(kernel_name=sys.argv[2] if len(sys.argv) > 2 else "tslab")
    km.start_kernel(cwd=sys.argv[1])
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        pid = km.provisioner.process.pid
        setup = Cell(kc, SETUP).run_to_end(300)
        report["setup_status"] = setup.reply["content"]["status"]
        report["setup_output"] = setup.output()[-2000:]
        if report["setup_status"] != "ok":
            return

        train = Cell(kc, TRAIN)
        deadline = time.time() + 300
        batches_seen = 0
        while batches_seen < 2 and time.time() < deadline and train.reply_at is None:
            batches_seen += sum("step" in texts(m) for m in train.pump(0.2))
        report["busy_cores_before"] = round(cpu_share(pid, 1.0), 2)
        interrupted_at = time.time()
        km.interrupt_kernel()
        stopped_at = None
        deadline = time.time() + 60
        while time.time() < deadline and (train.reply_at is None or stopped_at is None):
            for msg in train.pump(0.05):
                if stopped_at is None and "stopped by you" in texts(msg):
                    stopped_at = msg["at"]
        report["cell_ended_s"] = None if train.reply_at is None else round(train.reply_at - interrupted_at, 2)
        if train.reply_at is not None:
            reply = train.reply["content"]
            report["train_reply"] = {key: reply.get(key) for key in ("status", "ename", "evalue")}
        report["board_stopped_s"] = None if stopped_at is None else round(stopped_at - interrupted_at, 2)
        report["train_output"] = train.output()[-3000:]

        idle_at = None
        deadline = time.time() + 30
        while idle_at is None and time.time() < deadline:
            if cpu_share(pid, 0.5) < 0.1:
                idle_at = time.time() - 0.5
        report["idle_s"] = None if idle_at is None else round(idle_at - interrupted_at, 2)
        report["busy_cores_after"] = round(cpu_share(pid, 1.0), 2)
        train.pump(0.5)  # the stopped call's one-line outcome arrives on the interrupted cell's output
        report["train_output"] = train.output()[-3000:]

        check = Cell(kc, "console.log(JSON.stringify({ answer: answer, trained: weightSum() !== initialWeights, weights: weightSum() }));").run_to_end(60)
        later = Cell(kc, "await new Promise((r) => setTimeout(r, 1000)); console.log(weightSum());").run_to_end(60)
        report["check_output"] = check.output()
        report["after"] = json.loads(next(line for line in check.output().splitlines() if line.startswith("{")))
        report["weights_a_second_later"] = later.output().strip().splitlines()[-1]
        report["kernel_alive"] = km.is_alive()

        # the next cell starts afresh: its training is not stopped by the interrupt of the cell before
        next_train = Cell(kc, NEXT_TRAIN).run_to_end(120)
        report["next_train_status"] = next_train.reply["content"]["status"]
        report["next_train"] = next((json.loads(line) for line in next_train.output().splitlines() if line.startswith("{")), None)
        report["next_train_output"] = next_train.output()[-2000:]

        # an interrupt while no cell runs stops nothing and leaves the kernel (and its variables) as they were
        km.interrupt_kernel()
        time.sleep(1.0)
        next_train.pump(0.5)  # what the kernel says about it arrives on the last cell's output
        report["idle_interrupt_output"] = next_train.output()[-2000:]
        report["alive_after_idle_interrupt"] = km.is_alive()
        if report["alive_after_idle_interrupt"]:
            report["answer_after_idle_interrupt"] = Cell(kc, "console.log(answer);").run_to_end(60).output().strip()
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        print(json.dumps(report))


if __name__ == "__main__":
    main()
