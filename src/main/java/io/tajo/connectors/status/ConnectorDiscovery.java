package io.tajo.connectors.status;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.tajo.connectors.brevo.BrevoCircuitState;
import io.tajo.connectors.skills.Skill;
import io.tajo.connectors.status.ServiceStatus.Checkpoint;
import io.tajo.connectors.status.ServiceStatus.Connector;
import io.tajo.connectors.status.ServiceStatus.Outbox;
import io.tajo.connectors.status.ServiceStatus.Part;
import io.tajo.connectors.status.ServiceStatus.Resource;
import io.tajo.connectors.store.Sql;
import io.tajo.connectors.store.StateStore;
import org.apache.camel.CamelContext;

/**
 * Builds the {@link ServiceStatus} without a list of connectors: a connector is any name that has a route
 * ({@code <name>-webhooks}, {@code <name>-sync*}), a mapping file ({@code mappings/<name>.yaml}), a mode
 * setting ({@code tajo.<name>.mode}) or rows in the store (checkpoints, outbox, dead letters). Its
 * {@code tajo.<name>.*} settings then say how it is set up: a webhook needs a non-empty {@code *secret*}
 * setting (or a stored secret), a sync needs credentials ({@code access-token}, else {@code api-key}, or a
 * stored connection).
 */
public final class ConnectorDiscovery {

    private static final Pattern WEBHOOK_ROUTE = Pattern.compile("([a-z0-9]+(?:-[a-z0-9]+)*?)-webhooks");
    private static final Pattern SYNC_ROUTE = Pattern.compile("([a-z0-9]+(?:-[a-z0-9]+)*?)-sync(?:-.*)?");
    private static final Pattern SYNC_RESOURCE_SETTING = Pattern.compile("sync\\.([a-z0-9-]+)\\..+");

    private final Collection<String> routes;
    private final Map<String, String> settings;
    private final StateStore store;

    /**
     * @param routes   the route ids loaded (in the service), or the route file names without .camel.yaml (CLI)
     * @param settings the resolved {@code tajo.*} settings
     */
    public ConnectorDiscovery(Collection<String> routes, Map<String, String> settings, StateStore store) {
        this.routes = routes;
        this.settings = settings;
        this.store = store;
    }

    /** The resolved {@code tajo.*} settings of a context reading application.properties and the environment. */
    public static Map<String, String> settingsOf(CamelContext context) {
        Map<String, String> settings = new TreeMap<>();
        for (String key : context.getPropertiesComponent().loadProperties(k -> k.startsWith("tajo.")).stringPropertyNames()) {
            try {
                settings.put(key, context.resolvePropertyPlaceholders("{{" + key + "}}"));
            } catch (RuntimeException unresolvable) {
                settings.put(key, "");  // a setting without a default, not set: as good as empty here
            }
        }
        return settings;
    }

    /** The route ids of the files a routes-include-pattern names ({@code file:routes/*.camel.yaml,...}): their names. */
    public static List<String> routeFileNames(String includePattern) {
        List<String> names = new ArrayList<>();
        for (String location : includePattern.split(",")) {
            String path = location.trim().replaceFirst("^file:", "");
            int slash = path.lastIndexOf('/');
            Path dir = Path.of(slash < 0 ? "." : path.substring(0, slash));
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, path.substring(slash + 1))) {
                files.forEach(file -> names.add(file.getFileName().toString().replaceFirst("\\.camel\\.yaml$", "")));
            } catch (IOException e) {
                throw new IllegalStateException("cannot list the route files in " + dir + ": " + e.getMessage(), e);
            }
        }
        return names;
    }

    public ServiceStatus status() {
        long now = System.currentTimeMillis();
        StoreFigures figures = store.inTransaction(connection -> new StoreFigures(
                Sql.list(connection, "SELECT connector, resource, watermark, last_id, cursor_pos, updated_at FROM sync_checkpoint "
                        + "ORDER BY connector, resource", rs -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), String.valueOf(rs.getLong(6))}),
                Sql.list(connection, "SELECT source, COUNT(*), MIN(created_at) FROM outbox WHERE status = 'pending' GROUP BY source",
                        rs -> new Object[] {rs.getString(1), rs.getLong(2), rs.getLong(3)}),
                Sql.list(connection, "SELECT source, COUNT(*) FROM dead_letter GROUP BY source",
                        rs -> new Object[] {rs.getString(1), rs.getLong(2)}),
                Sql.list(connection, "SELECT connector, api_secret IS NOT NULL FROM connector_credential",
                        rs -> new Object[] {rs.getString(1), rs.getBoolean(2)})));
        String circuit = BrevoCircuitState.current(store);

        TreeSet<String> names = new TreeSet<>();
        routes.forEach(route -> routeConnector(route).ifPresent(names::add));
        names.addAll(mappingFiles());
        settings.keySet().stream().filter(key -> key.matches("tajo\\.[a-z0-9-]+\\.mode")).map(key -> key.split("\\.")[1])
                .forEach(names::add);
        figures.checkpoints().forEach(row -> names.add(row[0]));
        figures.pending().forEach(row -> addIfNamed(names, row[0]));
        figures.deadLetters().forEach(row -> addIfNamed(names, row[0]));

        List<Connector> connectors = new ArrayList<>();
        long pendingTotal = 0;
        Long oldestTotal = null;
        long deadTotal = 0;
        for (Object[] row : figures.pending()) {
            pendingTotal += (Long) row[1];
            oldestTotal = oldestTotal == null ? (Long) row[2] : Math.min(oldestTotal, (Long) row[2]);
        }
        for (Object[] row : figures.deadLetters()) {
            deadTotal += (Long) row[1];
        }
        for (String name : names) {
            connectors.add(connector(name, figures, now));
        }
        return new ServiceStatus(Instant.ofEpochMilli(now).toString(), new ServiceStatus.Brevo(circuit,
                setting("tajo.brevo.api-key").isEmpty()), new Outbox(pendingTotal, ageSeconds(oldestTotal, now)), deadTotal,
                connectors);
    }

    private Connector connector(String name, StoreFigures figures, long now) {
        String webhookRoute = routes.stream().filter(r -> r.equals(name + "-webhooks")).findFirst().orElse(null);
        String syncRoute = routes.stream().filter(r -> SYNC_ROUTE.matcher(r).matches() && routeConnector(r).orElse("").equals(name))
                .sorted().findFirst().orElse(null);
        boolean storedConnection = figures.credentials().stream().anyMatch(row -> name.equals(row[0]));
        boolean storedSecret = figures.credentials().stream().anyMatch(row -> name.equals(row[0]) && (Boolean) row[1]);

        String prefix = "tajo." + name + ".";
        boolean secretSet = storedSecret || settings.entrySet().stream()
                .anyMatch(e -> e.getKey().startsWith(prefix) && e.getKey().contains("secret") && !e.getValue().isBlank());
        Part webhook = webhookRoute == null ? new Part(null, false, "no webhook route")
                : new Part(webhookRoute, secretSet, secretSet ? "/webhooks/" + name : "no signing secret set");
        boolean credentials = storedConnection || !setting(prefix + "access-token").isEmpty()
                || !settings.containsKey(prefix + "access-token") && !setting(prefix + "api-key").isEmpty();
        Part sync = syncRoute == null ? new Part(null, false, "no sync route")
                : new Part(syncRoute, credentials, credentials ? "connected" : "not connected");

        String mode = setting(prefix + "mode");
        if (mode.isEmpty()) {
            mode = webhookRoute != null && syncRoute != null ? "hybrid" : syncRoute != null ? "batch" : "realtime";
        }

        Map<String, Resource> resources = new LinkedHashMap<>();
        for (String resource : setting(prefix + "resources").split(",")) {
            if (!resource.isBlank()) {
                resources.put(resource.trim(), new Resource(resource.trim(), false, null, null, null));
            }
        }
        settings.keySet().stream().filter(key -> key.startsWith(prefix)).map(key -> SYNC_RESOURCE_SETTING.matcher(key.substring(prefix.length())))
                .filter(Matcher::matches).map(m -> m.group(1)).forEach(r -> resources.put(r, new Resource(r, true, null, null, null)));
        for (String[] row : figures.checkpoints()) {
            if (row[0].equals(name)) {
                long at = Long.parseLong(row[5]);
                resources.put(row[1], new Resource(row[1], true, Instant.ofEpochMilli(at).toString(),
                        new Checkpoint(row[2], row[3], row[4]), ageSeconds(at, now)));
            }
        }

        Object[] pending = figures.pending().stream().filter(row -> name.equals(row[0])).findFirst().orElse(null);
        long dead = figures.deadLetters().stream().filter(row -> name.equals(row[0])).mapToLong(row -> (Long) row[1]).sum();
        return new Connector(name, mode, webhook, sync, List.copyOf(resources.values()),
                pending == null ? new Outbox(0, null) : new Outbox((Long) pending[1], ageSeconds((Long) pending[2], now)), dead);
    }

    private static Optional<String> routeConnector(String route) {
        // skills' routes and route files, and Brevo's own consent webhook (Brevo is where records go, not a connector)
        if (route.startsWith("skill-") || route.startsWith("brevo-")
                || Arrays.stream(Skill.values()).anyMatch(skill -> route.startsWith(skill.skillName()))) {
            return Optional.empty();
        }
        for (Pattern pattern : List.of(WEBHOOK_ROUTE, SYNC_ROUTE)) {
            Matcher matcher = pattern.matcher(route);
            if (matcher.matches()) {
                return Optional.of(matcher.group(1));
            }
        }
        return Optional.empty();
    }

    private List<String> mappingFiles() {
        Path dir = Path.of(setting("tajo.mappings.dir").isEmpty() ? "mappings" : setting("tajo.mappings.dir"));
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).filter(file -> file.endsWith(".yaml"))
                    .map(file -> file.substring(0, file.length() - ".yaml".length())).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void addIfNamed(Collection<String> names, Object name) {
        if (name instanceof String text && !text.isBlank()) {
            names.add(text);
        }
    }

    private String setting(String key) {
        String value = settings.get(key);
        return value == null ? "" : value.trim();
    }

    private static Long ageSeconds(Long since, long now) {
        return since == null ? null : Math.max(0, (now - since) / 1000);
    }

    private record StoreFigures(List<String[]> checkpoints, List<Object[]> pending, List<Object[]> deadLetters,
                                List<Object[]> credentials) {
    }
}
