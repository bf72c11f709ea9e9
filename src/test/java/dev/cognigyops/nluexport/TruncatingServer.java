package dev.cognigyops.nluexport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A download server on another port (another origin) that announces the whole artifact's
 * Content-Length but sends only the first bytes and closes: the broken transfer WireMock cannot make.
 * Told to send every byte, it is a plain, fast download with a known length.
 */
final class TruncatingServer implements AutoCloseable {

    private final ServerSocket socket;
    private final Thread thread;
    private final List<String> authorization = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    TruncatingServer(byte[] artifact, int sendOnly) throws IOException {
        this(artifact, sendOnly, 0);
    }

    /**
     * A server whose first {@code stalls} answers send {@code sendOnly} bytes and then nothing more,
     * the connection kept open (a stalled transfer) until the server closes; later answers send the
     * whole artifact.
     */
    static TruncatingServer stallingFirst(byte[] artifact, int sendOnly, int stalls) throws IOException {
        return new TruncatingServer(artifact, sendOnly, stalls);
    }

    private TruncatingServer(byte[] artifact, int sendOnly, int stalls) throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    Thread answer = new Thread(() -> answer(client, artifact, sendOnly, stalls), "truncating-server-answer");
                    answer.setDaemon(true);
                    answer.start();
                } catch (IOException closedByClose) {
                    return;
                }
            }
        }, "truncating-server");
        thread.setDaemon(true);
        thread.start();
    }

    /** One answer on its own thread, so that a stalled one does not hold back the next request. */
    private void answer(Socket connection, byte[] artifact, int sendOnly, int stalls) {
        try (Socket client = connection) {
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.ISO_8859_1));
            String auth = null;
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                if (line.toLowerCase().startsWith("authorization:")) {
                    auth = line.substring("authorization:".length()).trim();
                }
            }
            boolean stall;
            synchronized (authorization) {
                authorization.add(auth);
                stall = authorization.size() <= stalls;
            }
            OutputStream out = client.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                    + artifact.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(artifact, 0, stall || stalls == 0 ? sendOnly : artifact.length);
            out.flush();
            if (stall) {
                closed.await();
            }
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        } catch (IOException closedOrGone) {
            // socket closed by close(), or the client went away
        }
    }

    String url() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    int requests() {
        return authorization.size();
    }

    List<String> authorizationHeaders() {
        return authorization;
    }

    @Override
    public void close() throws IOException {
        closed.countDown();
        socket.close();
    }
}
