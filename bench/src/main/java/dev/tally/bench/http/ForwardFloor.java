package dev.tally.bench.http;

import io.helidon.common.socket.SocketOptions;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The floor of Tally's server stack for {@code bench/http}: the same Helidon WebServer on virtual
 * threads, with the gateway's socket options, forwarding each chat call to the fake provider over
 * one blocking keep-alive socket per client connection and answering with the provider's body.
 * No authentication, parsing, pricing, metrics or audit record: what is left when all of Tally's
 * own work per call is taken away, so a run shows how much of the gap to nginx is the stack's.
 *
 * <p>Usage: {@code ForwardFloor <port> <provider port>}; it serves until killed.
 */
public final class ForwardFloor {

    private static final String PATH = "/v1/chat/completions";

    /** Helidon serves a connection on one virtual thread, so this is one upstream per client connection. */
    private static final ThreadLocal<Socket[]> UPSTREAM = ThreadLocal.withInitial(() -> new Socket[1]);

    private ForwardFloor() {
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        int providerPort = Integer.parseInt(args[1]);
        HttpRouting.Builder routing = HttpRouting.builder()
                .post(PATH, (req, res) -> forward(req, res, providerPort));
        WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .connectionOptions(SocketOptions.builder().tcpNoDelay(true).build())
                .routing(routing)
                .build()
                .start();
        System.out.println("forward floor on 127.0.0.1:" + port);
    }

    private static void forward(ServerRequest req, ServerResponse res, int providerPort) throws IOException {
        byte[] body = req.content().inputStream().readAllBytes();
        Socket[] held = UPSTREAM.get();
        if (held[0] == null) {
            held[0] = new Socket("127.0.0.1", providerPort);
            held[0].setTcpNoDelay(true);
        }
        Socket upstream = held[0];
        byte[] head = ("POST " + PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = new byte[head.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        upstream.getOutputStream().write(request); // one write, as the gateway's client does
        res.header(HeaderNames.CONTENT_TYPE, "application/json").send(readAnswer(upstream.getInputStream()));
    }

    /** Reads one answer with a content-length (the fake's only kind) and returns its body. */
    private static byte[] readAnswer(InputStream in) throws IOException {
        byte[] buf = new byte[8192];
        int filled = 0;
        int headEnd = -1;
        while (headEnd < 0) {
            if (filled == buf.length) {
                throw new IOException("provider answered with a head over " + buf.length + " bytes");
            }
            int r = in.read(buf, filled, buf.length - filled);
            if (r < 0) {
                throw new EOFException("provider closed the connection");
            }
            for (int i = Math.max(3, filled); i < filled + r && headEnd < 0; i++) {
                if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' && buf[i - 3] == '\r') {
                    headEnd = i + 1;
                }
            }
            filled += r;
        }
        String head = new String(buf, 0, headEnd, StandardCharsets.ISO_8859_1).toLowerCase();
        int at = head.indexOf("content-length:");
        if (at < 0) {
            throw new IOException("provider answered without a content-length (expected: the fake's fixed answer)");
        }
        int length = Integer.parseInt(head.substring(at + 15, head.indexOf('\r', at)).trim());
        byte[] answer = new byte[length];
        int have = Math.min(filled - headEnd, length);
        System.arraycopy(buf, headEnd, answer, 0, have);
        while (have < length) {
            int r = in.read(answer, have, length - have);
            if (r < 0) {
                throw new EOFException("provider closed the connection mid-answer");
            }
            have += r;
        }
        return answer;
    }
}
