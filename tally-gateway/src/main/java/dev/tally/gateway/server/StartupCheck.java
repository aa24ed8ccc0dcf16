package dev.tally.gateway.server;

import dev.tally.gateway.config.GatewayConfig;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@code tally serve} checks before it creates anything (admin token, instance id, store,
 * journal): that the listen address can be bound and that the data directory (and a SQLite
 * store's directory) can be written, by permissions and by writing a 64 KiB file there and
 * deleting it (a full filesystem or one out of inodes passes every permission check). A failure is one line naming the problem and the fix, e.g.
 * {@code server.port: 8080 is in use (set server.port or stop the other process)}; before these
 * checks a taken port was only noticed after a new admin token had been generated, and the
 * server then ran on without a listener.
 *
 * <p>The port check binds and closes a socket at once; another process can still take the port
 * before the server binds it, which {@link GatewayRuntime} reports the same way (then after the
 * data directory was set up). Stateless.
 */
public final class StartupCheck {

    /** What the write check writes: the 64 KiB the spill journal's space probe also wants. */
    private static final int PROBE_BYTES = 64 * 1024;

    private StartupCheck() {
    }

    /**
     * Checks the listen address and the data directory; leaves nothing behind.
     *
     * @throws IllegalStateException with the one-line problem and fix
     */
    public static void check(GatewayConfig config, Path dataDir) {
        writable("data directory", dataDir);
        if (!config.store().postgres() && config.store().url().startsWith("sqlite:")) {
            Path file = Path.of(config.store().url().substring("sqlite:".length())).toAbsolutePath();
            if (Files.exists(file) && !Files.isWritable(file)) {
                throw new IllegalStateException("store.url: " + file + " is not writable (make it writable for this user, "
                        + "or set store.url to another file)");
            }
            if (file.getParent() != null) {
                writable("store.url: the directory of the store", file.getParent());
            }
        }
        bindable(config.server().host(), config.server().port());
    }

    /** A port-in-use message for {@code port}, as the check and the runtime both print it. */
    static String inUse(int port) {
        return "server.port: " + port + " is in use (set server.port or stop the other process)";
    }

    private static void bindable(String host, int port) {
        if (port == 0) {
            return; // any free port
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new IllegalStateException("server.host: '" + host + "' does not resolve (set server.host to an address "
                    + "of this machine, e.g. 0.0.0.0)");
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // as the server binds: a port left in TIME_WAIT is free
            socket.bind(address);
        } catch (BindException e) {
            String why = String.valueOf(e.getMessage());
            if (why.contains("in use")) {
                throw new IllegalStateException(inUse(port));
            }
            throw new IllegalStateException("server.port: " + host + ":" + port + " cannot be bound: " + why
                    + " (set server.host to an address of this machine, or server.port to a port this user may open)");
        } catch (IOException e) {
            throw new IllegalStateException("server.port: " + host + ":" + port + " cannot be bound: " + e.getMessage()
                    + " (set server.host or server.port)");
        }
    }

    /** {@code dir} is a writable directory, or can be made: its nearest existing ancestor is one. */
    private static void writable(String what, Path dir) {
        Path absolute = dir.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        String fix = " (make it writable for this user, or choose another with --data)";
        if (existing == null) {
            throw new IllegalStateException(what + ": " + absolute + " cannot be created: no part of it exists" + fix);
        }
        if (!Files.isDirectory(existing)) {
            throw new IllegalStateException(what + ": " + absolute + (existing.equals(absolute) ? " is not a directory"
                    : " cannot be created: " + existing + " is not a directory") + fix);
        }
        if (!Files.isWritable(existing) || !Files.isExecutable(existing)) {
            throw new IllegalStateException(what + ": " + absolute + (existing.equals(absolute) ? " is not writable"
                    : " cannot be created: " + existing + " is not writable") + fix);
        }
        probe(what, absolute, existing);
    }

    /**
     * Writes and deletes a small file in {@code existing}: permissions say nothing of a full
     * filesystem or one out of inodes, which otherwise surface half-way through setting up the
     * data directory (as "cannot create instance-id", with directories already made).
     */
    private static void probe(String what, Path absolute, Path existing) {
        Path file = null;
        try {
            file = Files.createTempFile(existing, ".tally-write-check-", ".tmp");
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file,
                    java.nio.file.StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer page = java.nio.ByteBuffer.allocate(PROBE_BYTES);
                while (page.hasRemaining()) {
                    ch.write(page);
                }
                ch.force(true);
            }
        } catch (IOException e) {
            throw new IllegalStateException(what + ": " + absolute + " cannot be written: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()) + " in " + existing
                    + " (free space or inodes on its filesystem, or choose another with --data)");
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // the check's own file; a failure to delete it is not the operator's problem
                }
            }
        }
    }
}
