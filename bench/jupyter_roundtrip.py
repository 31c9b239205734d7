"""Baseline: a jupyter_client -> ipykernel execute round trip, from execute to the kernel's idle status.

    /usr/bin/python3 jupyter_roundtrip.py RUNS   -> one line per run: seconds
"""
import os
import sys
import time
from jupyter_client.manager import start_new_kernel

runs = int(sys.argv[1])
manager, client = start_new_kernel(kernel_name="python3")


def execute(code):
    msg_id = client.execute(code)
    while True:   # the run is over when the kernel goes idle after it (all output delivered)
        message = client.get_iopub_msg(timeout=30)
        if message["parent_header"].get("msg_id") == msg_id and message["msg_type"] == "status" \
                and message["content"]["execution_state"] == "idle":
            break
    client.get_shell_msg(timeout=30)


for _ in range(20):
    execute("1+1")   # warm up
for _ in range(runs):
    start = time.perf_counter()
    execute("1+1")
    print(f"{time.perf_counter() - start:.9f}", flush=True)
client.stop_channels()
manager.shutdown_kernel(now=True)
os._exit(0)   # skip interpreter teardown, where jupyter_client's loggers complain
