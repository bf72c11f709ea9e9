package dev.cognigyops.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server on a loopback port that accepts every connection and never answers: what an S3 endpoint
 * behind a stuck load balancer looks like. It either reads and discards what it is sent (the client
 * waits for an answer) or reads nothing at all (the client's writes stall once the socket buffers
 * are full). Connections are held until {@link #close()}.
 */
public final class BlackHoleServer implements AutoCloseable {

    private final ServerSocket socket;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();

    /** @param reads read and discard what arrives (true), or read nothing (false) */
    public BlackHoleServer(boolean reads) throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    connections.incrementAndGet();
                    held.add(client);
                    if (reads) {
                        Thread drain = new Thread(() -> discard(client), "black-hole-drain");
                        drain.setDaemon(true);
                        drain.start();
                    }
                } catch (IOException closed) {
                    // close() was called
                }
            }
        }, "black-hole-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private static void discard(Socket client) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = client.getInputStream()) {
            while (in.read(buffer) >= 0) {
                // never answer
            }
        } catch (IOException gone) {
            // the client gave up, or close() was called
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : held) {
            s.close();
        }
    }
}
