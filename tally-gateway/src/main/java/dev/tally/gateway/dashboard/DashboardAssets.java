package dev.tally.gateway.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Resolves a path under {@code /dashboard} to a file shipped in the jar.
 *
 * <p>Why a resolver and not a static-content directory: only two shapes of name are ever looked
 * up, so no request path can reach another classpath resource. Our own files are single names
 * ({@code app.js}, {@code style.css}) matching {@link #NAME} and loaded from the classpath folder
 * {@code dashboard/}; anything with a slash, a dot segment, an escape or another extension is not
 * found, before any lookup. The chart library is served from its WebJar at exactly one path that
 * names its version ({@link #chartPath()}), so it can be cached forever; {@code index.html} gets
 * that path substituted for {@code {{chart.js}}}.
 *
 * <p>Thread-safe: files are read once and kept (they are small and never change while running).
 */
public final class DashboardAssets {

    /** The prefix every dashboard path starts with. */
    public static final String BASE = "/dashboard";

    /** Our own file names: one segment, lower-case, a known extension. */
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}\\.(html|js|css|svg)");

    private static final String FOLDER = "dashboard/";
    private static final String CHART_FILE = "chart.umd.min.js";
    private static final String CHART_POM = "META-INF/maven/org.webjars.npm/chart.js/pom.properties";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml");

    private final ClassLoader loader;
    private final String chartVersion;
    private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

    /** Assets from this class's own class loader (the jar); fails when the chart WebJar is missing. */
    public DashboardAssets() {
        this(DashboardAssets.class.getClassLoader());
    }

    DashboardAssets(ClassLoader loader) {
        this.loader = loader;
        this.chartVersion = webjarVersion(loader);
    }

    /** The URL path of the chart library, with its version in it. */
    public String chartPath() {
        return BASE + "/vendor/chart.js/" + chartVersion + "/" + CHART_FILE;
    }

    /**
     * The file for a request path (decoded, as the server routed it), or empty when there is none.
     * {@code /dashboard} and {@code /dashboard/} are the page itself.
     */
    public Optional<Asset> find(String path) {
        if (path.equals(BASE) || path.equals(BASE + "/")) {
            return cache.computeIfAbsent("index.html", this::load);
        }
        if (path.equals(chartPath())) {
            return cache.computeIfAbsent(chartPath(), p -> read("META-INF/resources/webjars/chart.js/" + chartVersion + "/dist/" + CHART_FILE)
                    .map(bytes -> Asset.of(bytes, TYPES.get("js"), Asset.IMMUTABLE)));
        }
        if (!path.startsWith(BASE + "/")) {
            return Optional.empty();
        }
        String name = path.substring(BASE.length() + 1);
        if (!NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        return cache.computeIfAbsent(name, this::load);
    }

    private Optional<Asset> load(String name) {
        String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
        return read(FOLDER + name).map(bytes -> name.equals("index.html")
                ? Asset.text(new String(bytes, StandardCharsets.UTF_8).replace("{{chart.js}}", chartPath()), type, Asset.REVALIDATE)
                : Asset.of(bytes, type, Asset.REVALIDATE));
    }

    private Optional<byte[]> read(String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("dashboard: cannot read " + resource + " from the classpath", e);
        }
    }

    private static String webjarVersion(ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream(CHART_POM)) {
            if (in == null) {
                throw new IllegalStateException(CHART_POM + ": missing (expected: the org.webjars.npm:chart.js jar on the classpath)");
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "");
            if (!version.matches("[0-9][0-9A-Za-z.-]{0,31}")) {
                throw new IllegalStateException(CHART_POM + ": version '" + version + "' (expected: a version like 4.5.1)");
            }
            return version;
        } catch (IOException e) {
            throw new UncheckedIOException("dashboard: cannot read " + CHART_POM, e);
        }
    }
}
