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

/**
 * A download server on another port (another origin) that announces the whole artifact's
 * Content-Length but sends only the first bytes and closes: the broken transfer WireMock cannot make.
 * Told to send every byte, it is a plain, fast download with a known length.
 */
final class TruncatingServer implements AutoCloseable {

    private final ServerSocket socket;
    private final Thread thread;
    private final List<String> authorization = new CopyOnWriteArrayList<>();

    TruncatingServer(byte[] artifact, int sendOnly) throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread = new Thread(() -> {
            while (!socket.isClosed()) {
                try (Socket client = socket.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.ISO_8859_1));
                    String auth = null;
                    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                        if (line.toLowerCase().startsWith("authorization:")) {
                            auth = line.substring("authorization:".length()).trim();
                        }
                    }
                    authorization.add(auth);
                    OutputStream out = client.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                            + artifact.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(artifact, 0, sendOnly);
                    out.flush();
                } catch (IOException closed) {
                    // socket closed by close(), or the client went away
                }
            }
        }, "truncating-server");
        thread.setDaemon(true);
        thread.start();
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
        socket.close();
    }
}
