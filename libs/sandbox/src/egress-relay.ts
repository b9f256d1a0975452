/** Where a call's egress socket (the worker's proxy, D32) is mounted inside its container. */
export const EGRESS_SOCKET_IN_CONTAINER = '/run/omni-egress.sock';

/** The in-container address tools use as their HTTP(S) proxy: the relay below listens there. */
export const EGRESS_PROXY_URL = 'http://127.0.0.1:3128';

/**
 * Runs as the container's first process when a call has egress (D32), ahead of the tool's own argv: it listens on
 * 127.0.0.1:3128 (the container still has only a loopback interface), forks and execs the tool, and relays each
 * connection to the proxy's Unix socket. It decides nothing: the proxy checks every request. As PID 1 it also reaps
 * orphaned processes, and it exits with the tool's status (128 + signal when the tool was killed).
 */
export const EGRESS_RELAY = `
import os, selectors, socket, sys, threading
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.bind(("127.0.0.1", 3128))
listener.listen(64)
child = os.fork()
if child == 0:
    listener.close()
    try:
        os.execvp(sys.argv[1], sys.argv[1:])
    finally:
        os._exit(127)

def relay(client):
    upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        upstream.connect(${JSON.stringify(EGRESS_SOCKET_IN_CONTAINER)})
        sel = selectors.DefaultSelector()
        sel.register(client, selectors.EVENT_READ, upstream)
        sel.register(upstream, selectors.EVENT_READ, client)
        open_ends = 2
        while open_ends:
            for key, _ in sel.select():
                data = key.fileobj.recv(65536)
                if data:
                    key.data.sendall(data)
                else:
                    sel.unregister(key.fileobj)
                    key.data.shutdown(socket.SHUT_WR)
                    open_ends -= 1
    except OSError:
        pass
    finally:
        client.close()
        upstream.close()

def serve():
    while True:
        client, _ = listener.accept()
        threading.Thread(target=relay, args=(client,), daemon=True).start()

threading.Thread(target=serve, daemon=True).start()
while True:
    pid, status = os.wait()
    if pid == child:
        os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
`;
