// A real Neo4j 5.26 server for netanalysis' tests and development, started from the jars that
// tools/neo4j/fetch.sh resolves from Maven Central (no compile step: Java's single-file mode).
//
//   java -Xmx1536m -cp "tools/neo4j/lib/*" tools/neo4j/Launcher.java \
//        --home /tmp/neo4j-home --plugins tools/neo4j/plugins [--port 0] [--auth] \
//        [--config server.memory.pagecache.size=1g ...]
//
// It binds Bolt on 127.0.0.1 (port 0 = a free port), disables the HTTP server, loads the
// procedures found in the plugins folder (Graph Data Science, APOC) with gds.* and apoc.*
// unrestricted, prints exactly one line "NEO4J_READY <bolt uri>" on stdout once it accepts
// connections, and shuts down cleanly on SIGTERM/SIGINT or when its standard input closes, so
// it never outlives the process that started it.
//
// --config NAME=VALUE sets any declared Neo4j setting (parsed as neo4j.conf would; repeatable,
// applied after the defaults above, so it can also change the page cache).
//
// --auth turns authentication on (the harness turns it off by default); the password of the
// user "neo4j" is then read from the environment variable NEO4J_TEST_PASSWORD (at least 8
// characters), never from the command line.

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.SettingImpl;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.graphdb.config.Setting;
import org.neo4j.harness.Neo4jBuilder;
import org.neo4j.harness.Neo4jBuilders;

public class Launcher {

    public static void main(String[] args) throws Exception {
        Path home = null;
        Path plugins = null;
        int port = 0;
        boolean auth = false;
        List<String> config = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--home" -> home = Path.of(args[++i]);
                case "--plugins" -> plugins = Path.of(args[++i]);
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--auth" -> auth = true;
                case "--config" -> config.add(args[++i]);
                default -> {
                    System.err.println("usage: Launcher --home DIR [--plugins DIR] [--port N] [--auth]"
                            + " [--config NAME=VALUE]...");
                    System.exit(2);
                }
            }
        }
        if (home == null) {
            home = Files.createTempDirectory("netanalysis-neo4j");
        }
        Files.createDirectories(home);
        String password = System.getenv("NEO4J_TEST_PASSWORD");
        if (auth && (password == null || password.length() < 8)) {
            System.err.println("--auth needs NEO4J_TEST_PASSWORD (at least 8 characters) in the environment");
            System.exit(2);
        }

        var builder = Neo4jBuilders.newInProcessBuilder(home)
                .withDisabledServer()
                .withConfig(HttpConnector.enabled, false)
                .withConfig(HttpsConnector.enabled, false)
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .withConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .withConfig(GraphDatabaseSettings.pagecache_memory, 256L * 1024 * 1024)
                .withConfig(GraphDatabaseSettings.procedure_unrestricted, List.of("gds.*", "apoc.*"))
                .withConfig(GraphDatabaseSettings.auth_enabled, auth);
        if (plugins != null && Files.isDirectory(plugins)) {
            builder = builder.withConfig(GraphDatabaseSettings.plugin_dir, plugins.toAbsolutePath());
        }
        builder = withSettings(builder, config);
        final Neo4j server = builder.build();
        if (auth) {
            server.databaseManagementService().database("system").executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        }

        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            closeQuietly(server);
        }, "neo4j-shutdown"));
        Thread stdinWatch = new Thread(() -> {
            InputStream in = System.in;
            byte[] buf = new byte[256];
            try {
                while (in.read(buf) >= 0) {
                    // input is ignored; only its end matters
                }
            } catch (IOException e) {
                // a broken pipe means the parent is gone: stop as well
            }
            stop.countDown();
        }, "stdin-watch");
        stdinWatch.setDaemon(true);
        stdinWatch.start();

        String uri = server.boltURI().toString();
        System.out.println("NEO4J_READY " + uri);
        System.out.flush();
        stop.await();
        System.exit(0);  // runs the shutdown hook, which closes the server
    }

    @SuppressWarnings("unchecked")
    private static Neo4jBuilder withSettings(Neo4jBuilder builder, List<String> config) {
        if (config.isEmpty()) {
            return builder;
        }
        Map<String, Setting<Object>> declared = Config.defaults().getDeclaredSettings();
        for (String item : config) {
            int eq = item.indexOf('=');
            Setting<Object> setting = eq > 0 ? declared.get(item.substring(0, eq).trim()) : null;
            if (setting == null) {
                System.err.println("--config " + item + ": not NAME=VALUE of a Neo4j setting");
                System.exit(2);
            }
            Object value = ((SettingImpl<Object>) setting).parse(item.substring(eq + 1).trim());
            builder = builder.withConfig(setting, value);
        }
        return builder;
    }

    private static synchronized void closeQuietly(Neo4j server) {
        try {
            server.close();
        } catch (RuntimeException e) {
            System.err.println("error while closing Neo4j: " + e);
        }
    }
}
