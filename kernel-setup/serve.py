"""Run a Jupyter server for the lab, and stop it when the process that started it is gone.

    python3 kernel-setup/serve.py [--private] TARGET [jupyter arguments...]

TARGET is what to run: `jupyter_server` (the runner's headless server), `jupyterlab`, `nbclassic`
or `notebook` (the UIs of `npm start`). The token comes from JUPYTER_TOKEN in the environment,
which only this user can read (/proc/PID/environ is private, unlike the command line).

Why a wrapper: the lab starts Jupyter from Node (the runner, `npm start`). When that Node process
is killed with SIGKILL, nothing would stop the server it started, and the server's kernels would
run for good. Node keeps our stdin open as a pipe and never writes to it; when the pipe reaches
end-of-file, Node is gone, and we stop the server as on SIGTERM (which shuts its kernels down),
then exit hard if that takes too long. The kernels also exit by themselves when their server is
gone (kernel-setup/kernel-guards.js).

The token is removed from the environment once the server has read it, so the kernels it starts
(which inherit its environment) never see it: a Python kernel could otherwise print it into a
notebook with one line.

--private (the runner's server): write no runtime info files (jpserver-*.json and the
*-open.html page hold the token, and nothing lists a private server), and remove
JUPYTER_RUNTIME_DIR (a folder made for this server alone) on the way out.
"""
import os
import shutil
import signal
import sys
import threading
import time

GRACE_S = 8


def watch_parent(private: bool) -> None:
    """Block until stdin reaches EOF (the parent is gone), then stop the server."""
    try:
        while os.read(0, 4096):
            pass
    except OSError:
        pass
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(GRACE_S)
    cleanup(private)
    os._exit(1)


def cleanup(private: bool) -> None:
    if private and os.environ.get("JUPYTER_RUNTIME_DIR"):
        shutil.rmtree(os.environ["JUPYTER_RUNTIME_DIR"], ignore_errors=True)


def no_runtime_files() -> None:
    from jupyter_server.serverapp import ServerApp

    for name in ("write_server_info_file", "write_browser_open_file", "write_browser_open_files"):
        if hasattr(ServerApp, name):
            setattr(ServerApp, name, lambda self, *a, **k: None)


def token_stays_in_server() -> None:
    """Drop JUPYTER_TOKEN from os.environ right after the server has read it (kernels copy os.environ)."""
    try:
        from jupyter_server.serverapp import ServerApp
    except ImportError:  # notebook 6 runs without jupyter_server; its kernels keep the variable
        return
    original = ServerApp.initialize

    def initialize(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        # Reading the token fixes its value (the default comes from the variable on first read).
        getattr(self, "token", None)
        provider = getattr(self, "identity_provider", None)  # jupyter_server >= 2
        getattr(provider, "token", None)
        os.environ.pop("JUPYTER_TOKEN", None)
        return result

    ServerApp.initialize = initialize


def report_kernel_exits() -> None:
    """Log how a kernel process ended (exit code, or the signal that killed it: SIGKILL is what the
    system's out-of-memory killer sends). Jupyter itself only says the kernel died; the runner reads
    this line from the server's log to say why."""
    try:
        from jupyter_client.provisioning.local_provisioner import LocalProvisioner
    except ImportError:  # an older jupyter_client: the runner then says only that the kernel died
        return
    original = LocalProvisioner.poll

    async def poll(self):
        ret = await original(self)
        process = getattr(self, "process", None)
        if ret is not None and ret != 0 and process is not None and not getattr(process, "_genlab_reported", False):
            process._genlab_reported = True
            how = f"was killed by signal {-ret} ({signal.Signals(-ret).name})" if ret < 0 else f"exited with code {ret}"
            print(f"genlab: kernel process {process.pid} {how}", file=sys.stderr, flush=True)
        return ret

    LocalProvisioner.poll = poll


def run(target: str, args: list) -> int:
    if target == "nbclassic":
        from nbclassic.notebookapp import main
    elif target == "jupyterlab":
        from jupyterlab.labapp import main
    elif target == "jupyter_server":
        from jupyter_server.serverapp import main
    elif target == "notebook":
        # notebook >= 7 runs on jupyter_server (notebook.app); notebook 6 has its own NotebookApp.
        try:
            from notebook.app import main
        except ImportError:
            from notebook.notebookapp import main
    else:
        print(f"serve.py: unknown target {target!r}", file=sys.stderr)
        return 2
    sys.argv = [target] + args
    return main() or 0


def main() -> int:
    argv = sys.argv[1:]
    private = bool(argv) and argv[0] == "--private"
    if private:
        argv = argv[1:]
        no_runtime_files()
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    token_stays_in_server()
    report_kernel_exits()
    threading.Thread(target=watch_parent, args=(private,), daemon=True).start()
    try:
        return run(argv[0], argv[1:])
    finally:
        cleanup(private)


if __name__ == "__main__":
    sys.exit(main())
