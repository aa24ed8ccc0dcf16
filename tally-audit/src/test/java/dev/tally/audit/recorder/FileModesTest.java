package dev.tally.audit.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.chain.SigningKeys;
import dev.tally.audit.files.PrivateFiles;
import dev.tally.audit.recorder.internal.JournalKey;
import dev.tally.audit.recorder.internal.SpillJournal;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14, item 9: nobody but the owner can read the audit log's files, whatever the umask. */
class FileModesTest {

    @TempDir
    Path tmp;

    @Test
    void theDataDirectoryIs0700AndEveryFileInIt0600() throws Exception {
        Path data = tmp.resolve("data");
        Path db = data.resolve("tally.db");
        Path own = data.resolve("gateway");
        Entries entries = new Entries(Clock.systemUTC(), 11);
        try (SqliteAuditStore store = SqliteAuditStore.open(db);
                Recorder recorder = Recorder.start(store, RecorderConfig.defaults("gw", own), Clock.systemUTC())) {
            recorder.recordAndWait(entries.call());

            assertThat(mode(data)).isEqualTo("rwx------");
            assertThat(mode(own)).isEqualTo("rwx------");
            for (Path file : new Path[] {db, data.resolve("tally.db-wal"), data.resolve("tally.db-shm"),
                    own.resolve(SpillJournal.FILE_NAME), own.resolve(SpillJournal.FILE_NAME + ".lock"),
                    own.resolve(JournalKey.FILE_NAME), own.resolve(SigningKeys.PRIVATE_FILE),
                    own.resolve(SigningKeys.PUBLIC_FILE)}) {
                assertThat(file).exists();
                assertThat(mode(file)).as(file.getFileName().toString()).isEqualTo("rw-------");
            }
        }
    }

    @Test
    void filesOfAnOlderVersionAreNarrowedWhenOpened() throws Exception {
        Path own = tmp.resolve("gateway");
        Files.createDirectories(own);
        SigningKeys.loadOrCreate(own);
        Path db = tmp.resolve("tally.db");
        try (SqliteAuditStore store = SqliteAuditStore.open(db)) {
            // opened once to create it
        }
        for (Path file : new Path[] {db, own.resolve(SigningKeys.PRIVATE_FILE), own.resolve(SigningKeys.PUBLIC_FILE)}) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }

        try (SqliteAuditStore store = SqliteAuditStore.open(db);
                Recorder recorder = Recorder.start(store, RecorderConfig.defaults("gw", own), Clock.systemUTC())) {
            assertThat(mode(db)).isEqualTo("rw-------");
            assertThat(mode(own.resolve(SigningKeys.PRIVATE_FILE))).isEqualTo("rw-------");
            assertThat(mode(own.resolve(SigningKeys.PUBLIC_FILE))).isEqualTo("rw-------");
        }
    }

    @Test
    void privateDirectoriesAreCreatedWithTheirParents() throws Exception {
        Path deep = tmp.resolve("a/b/c");

        PrivateFiles.createDirectories(deep);

        assertThat(mode(tmp.resolve("a"))).isEqualTo("rwx------");
        assertThat(mode(deep)).isEqualTo("rwx------");
    }

    static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
