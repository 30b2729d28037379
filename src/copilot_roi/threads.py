"""Native thread pools (OpenBLAS, OpenMP, MKL) sized to the work: one thread per process.

Why one: the engine's matrix products are small (the optimizer's levels x hours matrices, the
value engine's 36-month cash flows) and finish in milliseconds. By default OpenBLAS starts a
thread per core for every product, and its threads spin while they wait for the next one. A
Streamlit server runs every session as a thread of one process, and replicas share the host's
cores, so under load those spinning threads fight the sessions for the cores: measured in issue 22
on 2 cores, two optimizations at once took 108 / 115 ms with the default threads and 37 / 42 ms with
one BLAS thread each (23 ms alone). The work is parallel across sessions and replicas, not inside
one product.

Arrow's CPU pool (the CSV reader) is left at its default, the core count: it is one pool per
process shared by every session, and its threads sleep rather than spin while idle.

The environment variables cover libraries loaded later and child processes (OpenBLAS and OpenMP
read them when they load); threadpoolctl limits the libraries already loaded (in a Streamlit server,
numpy is imported before app.py runs). The Dockerfile and deploy/copilot-roi@.service set the same
variables, so a replica starts with them before Python does.
"""

from __future__ import annotations

import functools
import os

import threadpoolctl

NATIVE_THREADS_PER_PROCESS = 1
THREAD_LIMIT_VARIABLES = (
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
)


@functools.cache  # app.py runs on every rerun; the limit is process-wide, so set it once
def limit_native_threads() -> None:
    """Hold every native thread pool of this process (and its children) to one thread."""
    for name in THREAD_LIMIT_VARIABLES:
        os.environ[name] = str(NATIVE_THREADS_PER_PROCESS)
    # Without a `with` block the limit stays for the life of the process.
    threadpoolctl.threadpool_limits(limits=NATIVE_THREADS_PER_PROCESS)
