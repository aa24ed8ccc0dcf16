package dev.tally.gateway.keys;

/** No key has the id or name asked for (HTTP 404 in the admin API, exit code 1 in the CLI). */
public final class UnknownKeyException extends IllegalArgumentException {

    public UnknownKeyException(String idOrName) {
        super("key: '" + idOrName + "' (expected: the id or name of an existing key)");
    }
}
