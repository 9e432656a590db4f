"""The channels between a leader and its compute nodes (`redwood serve --compute`): TLS keyed by
the cluster secret, with nothing to configure. Every byte relayed between the leader and the nodes
(and between the nodes) is TLS and holds no value of the data; a client without the secret cannot
get past a node's handshake."""

import socket
import ssl
import threading

import psycopg
from redwood_server import Server, compute_nodes

SECRET = "network-test-secret"
MARKER = "Pangolin-Wire-6620"


class RecordingProxy:
    """A TCP relay on a loopback port to `target` that keeps every byte it passes on."""

    def __init__(self, target):
        host, port = target.split(":")
        self.target = (host, int(port))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.address = "127.0.0.1:%d" % self.listener.getsockname()[1]
        self.streams = []  # (first bytes from the client, every byte both ways)
        self.lock = threading.Lock()
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            record = {"from_client": bytearray(), "all": bytearray()}
            with self.lock:
                self.streams.append(record)
            threading.Thread(target=self.pump, args=(client, upstream, record, "from_client"), daemon=True).start()
            threading.Thread(target=self.pump, args=(upstream, client, record, None), daemon=True).start()

    def pump(self, source, sink, record, direction):
        try:
            while data := source.recv(65536):
                with self.lock:
                    record["all"].extend(data)
                    if direction:
                        record[direction].extend(data)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.listener.close()


def test_leader_and_node_traffic_is_tls(tmp_path):
    with compute_nodes(str(tmp_path), SECRET) as addresses:
        proxies = [RecordingProxy(address) for address in addresses]
        try:
            # The leader (and, through the addresses it hands out, each node) reaches the nodes via the relays.
            with Server("--compute", ",".join(p.address for p in proxies), "--cluster-secret", SECRET,
                        data=str(tmp_path / "leader")) as server, psycopg.connect(server.dsn(), autocommit=True) as con:
                con.execute("CREATE TABLE facts (id INT, note VARCHAR(40)) DISTKEY(id)")
                con.execute("CREATE TABLE other (ref INT, weight INT) DISTKEY(weight)")
                con.execute(f"INSERT INTO facts SELECT n, '{MARKER}-' || n FROM generate_series(1, 2000) AS g(n)")
                con.execute("INSERT INTO other SELECT n, n % 7 FROM generate_series(1, 2000) AS g(n)")
                # A join off the distkey moves rows between the nodes; the notes come back to the leader.
                rows = con.execute("SELECT f.note FROM facts f JOIN other o ON f.id = o.ref WHERE o.weight = 3 "
                                   "ORDER BY f.id").fetchall()
                assert len(rows) == 286 and rows[0] == (f"{MARKER}-3",)
        finally:
            for proxy in proxies:
                proxy.close()
    streams = [s for p in proxies for s in p.streams if s["from_client"]]
    assert len(streams) >= 2 and sum(len(s["all"]) for s in streams) > 20_000
    # Each connection opens with a TLS handshake record, and no value crosses in the clear.
    assert all(s["from_client"][:2] == b"\x16\x03" for s in streams)
    assert not [s for s in streams if MARKER.encode() in s["all"]]


def test_a_node_refuses_clients_without_the_cluster_secret(tmp_path):
    with compute_nodes(str(tmp_path), SECRET, count=1) as (address,):
        host, port = address.split(":")
        # TLS that trusts anything but has no certificate signed under the secret: the node ends
        # the handshake before any request is read.
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        with context.wrap_socket(socket.create_connection((host, int(port)))) as tls:
            assert tls.version() == "TLSv1.3"
            tls.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
            try:
                reply = tls.recv(100)
                assert reply == b"", reply
            except ssl.SSLError as error:
                assert "CERTIFICATE_REQUIRED" in str(error)
        # Plain HTTP/2 (gRPC without TLS) gets no HTTP/2 answer.
        with socket.create_connection((host, int(port))) as plain:
            plain.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00")
            plain.settimeout(5)
            try:
                reply = plain.recv(100)
            except (ConnectionResetError, socket.timeout):
                reply = b""
            assert reply == b"" or reply[:1] == b"\x15", reply  # nothing, or a TLS alert
