# A JupyterHub on loopback for testing sweeps (and for trying the sweep on a hub by hand):
# dummy authenticator, single-user servers spawned as this same user, the lab's tslab kernel visible
# to them. Everything variable comes from the environment that tools/sweep/testHub.ts sets, so no
# token ever appears on a command line:
#   GENLAB_HUB_STATE  a private folder (database, cookie secret, pid files, users' home folders)
#   GENLAB_HUB_PORT   public port (the proxy); GENLAB_HUB_API_PORT, GENLAB_HUB_PROXY_API_PORT
#   GENLAB_HUB_USERS  comma-separated user names
#   GENLAB_HUB_TOKEN  the API token of the service "genlab-sweep" (what a sweep passes as --token)
#   GENLAB_ROOT       the project (the single-user servers serve it; its kernelspec and node_modules)
#   GENLAB_HUB_PROXY  the configurable-http-proxy executable (node_modules/.bin/configurable-http-proxy)
import os

c = get_config()  # noqa: F821 (defined by JupyterHub when it loads this file)
env = os.environ
state = env["GENLAB_HUB_STATE"]
root = env["GENLAB_ROOT"]
users = [u for u in env["GENLAB_HUB_USERS"].split(",") if u]

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(env["GENLAB_HUB_PORT"])
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(env["GENLAB_HUB_API_PORT"])
c.JupyterHub.db_url = "sqlite:///" + os.path.join(state, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(state, "cookie_secret")
c.JupyterHub.pid_file = os.path.join(state, "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

c.ConfigurableHTTPProxy.command = [env["GENLAB_HUB_PROXY"]]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:%s" % env["GENLAB_HUB_PROXY_API_PORT"]
c.ConfigurableHTTPProxy.pid_file = os.path.join(state, "proxy.pid")

c.JupyterHub.authenticator_class = "jupyterhub.auth.DummyAuthenticator"
c.Authenticator.allowed_users = set(users)

# Single-user servers run as the hub's own user (no system accounts needed), in the project, with
# the project's kernelspec; as root, jupyter_server needs --allow-root.
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(state, "home", "{username}")
c.Spawner.notebook_dir = root
c.Spawner.default_url = "/tree"
c.Spawner.args = ["--allow-root"] if os.getuid() == 0 else []
c.Spawner.environment = {
    "JUPYTERHUB_SINGLEUSER_APP": "jupyter_server.serverapp.ServerApp",
    "JUPYTER_PATH": os.path.join(root, ".jupyter-local", "share", "jupyter"),
    # Marks every process of this hub (servers and kernels) so the launcher can stop them all.
    "GENLAB_HUB_STATE": state,
}
c.Spawner.start_timeout = 90
c.Spawner.http_timeout = 90

# The token a sweep uses: read users, start their servers, and use them.
c.JupyterHub.services = [{"name": "genlab-sweep", "api_token": env["GENLAB_HUB_TOKEN"]}]
c.JupyterHub.load_roles = [{
    "name": "genlab-sweep",
    "scopes": ["read:users", "servers", "access:servers"],
    "services": ["genlab-sweep"],
}]
