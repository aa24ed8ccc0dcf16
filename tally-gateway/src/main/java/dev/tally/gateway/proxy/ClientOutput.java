package dev.tally.gateway.proxy;

import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The client's response stream, with every way a write to a vanished client can fail (Helidon
 * reports it as an unchecked {@link ServerConnectionException}) turned into an
 * {@link IOException}, so the stream code sees a client disconnect as one checked exception.
 * Not thread-safe: used by the call's thread.
 */
final class ClientOutput extends OutputStream {

    private final OutputStream out;

    ClientOutput(OutputStream out) {
        this.out = out;
    }

    /**
     * The body of a streamed answer, its status line and headers sent at once (see
     * {@link EventStream}). When the client is already gone, a stream whose every write fails,
     * so the relay sees the disconnect where it sees any other: at its first write.
     */
    static ClientOutput events(ServerResponse res) {
        try {
            return new ClientOutput(res.sink(EventStream.TYPE).body());
        } catch (ServerConnectionException | UncheckedIOException e) {
            return new ClientOutput(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    throw gone(e);
                }

                @Override
                public void close() throws IOException {
                    throw gone(e);
                }
            });
        }
    }

    @Override
    public void write(int b) throws IOException {
        try {
            out.write(b);
        } catch (ServerConnectionException | UncheckedIOException e) {
            throw gone(e);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        try {
            out.write(b, off, len);
        } catch (ServerConnectionException | UncheckedIOException e) {
            throw gone(e);
        }
    }

    @Override
    public void flush() throws IOException {
        try {
            out.flush();
        } catch (ServerConnectionException | UncheckedIOException e) {
            throw gone(e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            out.close();
        } catch (ServerConnectionException | UncheckedIOException e) {
            throw gone(e);
        }
    }

    private static IOException gone(RuntimeException e) {
        return new IOException("the client connection is gone", e);
    }
}
