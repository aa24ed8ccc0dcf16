package dev.tally.gateway.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 exchange over a plain socket, bytes exactly as given: for requests no HTTP client
 * library would send (duplicate or non-UTF-8 headers, a body that disagrees with its
 * content-length). Each exchange uses its own connection, closed by the server after the answer.
 *
 * @param status the response status
 * @param headers response headers, names lower-cased (last value wins)
 * @param body the response body, de-chunked
 */
record RawExchange(int status, Map<String, String> headers, byte[] body) {

    /**
     * Sends {@code request} from {@code localAddress} (a loopback address, so failures are counted
     * per address) and reads the answer to its end. With {@code halfClose} the client closes its
     * sending side after the request, as a client that sent all it had does.
     */
    static RawExchange send(int port, String localAddress, byte[] request, boolean halfClose) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(localAddress, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(90_000); // longer than the server's read timeout: a hang fails, never passes
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            if (halfClose) {
                socket.shutdownOutput();
            }
            return parse(readAll(socket.getInputStream()));
        }
    }

    String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * Reads one response: the head, then its content-length, or its chunks up to the last one, or
     * (neither) to the end of the connection. Not to the end in general: the server may keep the
     * connection open after answering even when asked to close it.
     */
    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                if (complete(out.toByteArray())) {
                    break;
                }
            }
        } catch (java.net.SocketException reset) {
            // the server closed after answering while the client still had bytes unsent: keep what arrived
        }
        return out.toByteArray();
    }

    private static boolean complete(byte[] raw) {
        String all = new String(raw, StandardCharsets.ISO_8859_1);
        int end = all.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        String head = all.substring(0, end).toLowerCase(Locale.ROOT);
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("\r\ncontent-length:\\s*(\\d+)").matcher(head);
        if (length.find()) {
            return raw.length - end - 4 >= Integer.parseInt(length.group(1));
        }
        if (head.contains("\r\ntransfer-encoding: chunked")) {
            return all.endsWith("\r\n0\r\n\r\n") || all.substring(end + 4).startsWith("0\r\n\r\n");
        }
        return false;
    }

    private static RawExchange parse(byte[] raw) throws IOException {
        String all = new String(raw, StandardCharsets.ISO_8859_1);
        int end = all.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no complete response head in " + raw.length + " bytes: " + clip(all));
        }
        String[] lines = all.substring(0, end).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        byte[] rest = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            rest = dechunk(rest);
        } else if (headers.containsKey("content-length")) {
            int length = Integer.parseInt(headers.get("content-length"));
            rest = java.util.Arrays.copyOf(rest, Math.min(length, rest.length));
        }
        return new RawExchange(Integer.parseInt(statusLine[1]), headers, rest);
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        String text = new String(chunked, StandardCharsets.ISO_8859_1);
        while (at < text.length()) {
            int eol = text.indexOf("\r\n", at);
            if (eol < 0) {
                break;
            }
            String sizeText = text.substring(at, eol).split(";")[0].strip();
            int size = sizeText.isEmpty() ? 0 : Integer.parseInt(sizeText, 16);
            if (size == 0) {
                break;
            }
            out.write(chunked, eol + 2, Math.min(size, chunked.length - eol - 2));
            at = eol + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private static String clip(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
