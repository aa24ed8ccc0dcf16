package dev.tally.gateway.proxy;

import io.helidon.webserver.ServerConnectionException;
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
