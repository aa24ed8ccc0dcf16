package dev.tally.gateway.upstream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bare HTTP/1.1 server on a real socket for the socket client's tests: it reads each request
 * (head and content-length body) and lets the next scripted {@link Answer} write whatever raw
 * bytes it likes, so tests control chunking, keep-alive, closing and silence exactly. Keeps the
 * connection open for the next request unless the answer says otherwise. Works over any server
 * socket (plain or TLS). Thread-safe.
 */
final class RawHttpServer implements AutoCloseable {

    /** One request as received. */
    record Request(String head, byte[] body, int connection) {
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).strip();
                }
            }
            return null;
        }

        String requestLine() {
            return head.substring(0, head.indexOf("\r\n"));
        }
    }

    /** Writes an answer; returns false to close the connection afterwards. */
    @FunctionalInterface
    interface Answer {
        boolean write(Request request, OutputStream out, Socket socket) throws IOException, InterruptedException;
    }

    private final ServerSocket server;
    private final ConcurrentLinkedDeque<Answer> script = new ConcurrentLinkedDeque<>();
    private final List<Request> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    /** One permit per connection the server has closed (its socket is closed when released). */
    final Semaphore serverClosed = new Semaphore(0);

    RawHttpServer() throws IOException {
        this(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    RawHttpServer(ServerSocket server) {
        this.server = server;
        Thread.ofVirtual().start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    RawHttpServer then(Answer... answers) {
        script.addAll(List.of(answers));
        return this;
    }

    List<Request> received() {
        return List.copyOf(received);
    }

    int connections() {
        return connections.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                int id = connections.incrementAndGet();
                Thread.ofVirtual().start(() -> serve(socket, id));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket, int id) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                int length = 0;
                for (String line : head.split("\r\n")) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).strip());
                    }
                }
                Request request = new Request(head, in.readNBytes(length), id);
                received.add(request);
                Answer answer = script.pollFirst();
                if (answer == null || !answer.write(request, out, socket)) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away or the test ended: close this connection
        } finally {
            serverClosed.release();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** An answer with a content-length body, keeping the connection. */
    static Answer fixed(int status, String body, String... headers) {
        return (request, out, socket) -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder("HTTP/1.1 " + status + " X\r\n");
            for (String h : headers) {
                head.append(h).append("\r\n");
            }
            head.append("content-length: ").append(bytes.length).append("\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.flush();
            return true;
        };
    }

    /** An answer that never comes: the connection is held until the client closes it. */
    static Answer silent() {
        return (request, out, socket) -> holdUntilClosed(socket);
    }

    /** Reads (and drops) whatever the client sends until it closes; then closes too (returns false). */
    static boolean holdUntilClosed(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        while (in.read() >= 0) {
            // nothing to answer: only the client's close ends the wait
        }
        return false;
    }

    static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
