package io.tajo.connectors.shopify;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.tajo.connectors.PlatformApiException;
import io.tajo.connectors.brevo.BrevoOutbox;
import io.tajo.connectors.store.StateStore;
import io.tajo.connectors.store.SyncCheckpoint;
import io.tajo.connectors.sync.SyncRun;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of Shopify syncs between pages: where a run starts (the stored checkpoint), what each page
 * answered and where the next one resumes, and the bulk operation of a full customer sync.
 */
public class ShopifySync {


    static final String CONNECTOR = "shopify";
    static final String BULK_SUFFIX = "-bulk";

    private static final Logger LOG = LoggerFactory.getLogger(ShopifySync.class);
    private static final HttpClient DOWNLOADS = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NORMAL).build();

    private StateStore store;
    // 0: as many as one query may ask for (ShopifyGraphql.largestPage)
    private int customersPageSize;
    private int ordersPageSize;
    private int productsPageSize;

    public void setStore(StateStore store) { this.store = store; }
    public void setCustomersPageSize(int size) { this.customersPageSize = size; }
    public void setOrdersPageSize(int size) { this.ordersPageSize = size; }
    public void setProductsPageSize(int size) { this.productsPageSize = size; }

    /** Starts a run of the resource named by {@link #RESOURCE}, from its stored checkpoint unless full. */
    @SuppressWarnings("unchecked")
    public ShopifySyncRun beginRun(Exchange exchange) {
        String resource = exchange.getProperty(SyncRun.RESOURCE, String.class);
        boolean full = exchange.getProperty(SyncRun.FULL, false, Boolean.class);
        int pageSize = switch (resource == null ? "" : resource) {
            case "customers" -> customersPageSize;
            case "orders" -> ordersPageSize;
            case "products" -> productsPageSize;
            default -> throw new IllegalArgumentException("Shopify sync knows customers, orders and products, not '" + resource + "'");
        };
        if (pageSize <= 0) {
            pageSize = ShopifyGraphql.largestPage(resource);
        } else if (pageSize > ShopifyGraphql.largestPage(resource)) {
            LOG.warn("A page of {} Shopify {} would cost {} points, above the {} Shopify accepts in one query: asking for {} a page",
                    pageSize, resource, ShopifyGraphql.requestedCost(resource, pageSize), ShopifyQueryCost.MAX,
                    ShopifyGraphql.largestPage(resource));
            pageSize = ShopifyGraphql.largestPage(resource);
        }
        ShopifySyncRun run = new ShopifySyncRun(resource, full, pageSize, exchange.getProperty(SyncRun.PROGRESS, Consumer.class));
        if (full && resource.equals("customers")) {
            SyncCheckpoint.load(store, CONNECTOR, resource + BULK_SUFFIX)
                    .filter(bulk -> bulk.cursor() != null)
                    .ifPresent(bulk -> {
                        String[] position = bulk.cursor().split("#", 2);
                        run.resumeBulk(position[0], bulk.watermark(), Long.parseLong(position[1]));
                        LOG.info("Shopify full customer sync resumes bulk operation {} after line {}", position[0], position[1]);
                    });
            run.markBackfill();
        } else {
            Optional<SyncCheckpoint> checkpoint = full ? Optional.empty() : SyncCheckpoint.load(store, CONNECTOR, resource);
            checkpoint.ifPresentOrElse(run::resumeFrom, run::markBackfill);
        }
        exchange.setProperty(ShopifySyncRun.PROPERTY, run);
        exchange.setProperty(SyncRun.RUN, run);
        exchange.setProperty(ShopifyThrottle.THROTTLED, false);
        return run;
    }

    /**
     * Body: a page's GraphQL answer. Returns the page's records not sent before, and sets the page's
     * checkpoint (its last record's (updatedAt, id) and the cursor after it) for {@code direct:brevo} to commit.
     */
    public ArrayNode readPage(Exchange exchange) {
        ShopifySyncRun run = exchange.getProperty(ShopifySyncRun.PROPERTY, ShopifySyncRun.class);
        JsonNode connection = exchange.getMessage().getBody(JsonNode.class).path("data").path(run.resource());
        ArrayNode fresh = JsonNodeFactory.instance.arrayNode();
        JsonNode last = null;
        for (JsonNode node : connection.path("nodes")) {
            last = node;
            if (!run.alreadySent(Instant.parse(node.path("updatedAt").asText()), ShopifyRecords.numericId(node.path("id").asText()))) {
                fresh.add(node);
            }
        }
        JsonNode pageInfo = connection.path("pageInfo");
        boolean hasNextPage = pageInfo.path("hasNextPage").asBoolean(false);
        String endCursor = hasNextPage ? pageInfo.path("endCursor").asText(null) : null;
        SyncCheckpoint checkpoint = last == null ? null : new SyncCheckpoint(CONNECTOR, run.resource(),
                last.path("updatedAt").asText(), String.valueOf(ShopifyRecords.numericId(last.path("id").asText())), endCursor);
        exchange.setProperty(BrevoOutbox.CHECKPOINT, checkpoint);
        run.pageRead(fresh.size(), hasNextPage && endCursor != null, endCursor, checkpoint);
        LOG.debug("Shopify {} page: {} records, {} new", run.resource(), connection.path("nodes").size(), fresh.size());
        return fresh;
    }

    /** The page's commands and checkpoint are committed: the run moves past it. */
    public void pageCommitted(Exchange exchange) {
        exchange.getProperty(ShopifySyncRun.PROPERTY, ShopifySyncRun.class).pageCommitted();
    }

    /** Body: the answer to bulkOperationRunQuery. */
    public void bulkStarted(Exchange exchange) {
        ShopifySyncRun run = exchange.getProperty(ShopifySyncRun.PROPERTY, ShopifySyncRun.class);
        JsonNode result = exchange.getMessage().getBody(JsonNode.class).path("data").path("bulkOperationRunQuery");
        if (exchange.getProperty(ShopifyThrottle.THROTTLED, false, Boolean.class) || !result.path("userErrors").isEmpty()
                || !result.path("bulkOperation").hasNonNull("id")) {
            throw new PlatformApiException("Shopify did not start the bulk export: "
                    + (result.path("userErrors").isEmpty() ? "throttled, try again later" : result.path("userErrors").toString()));
        }
        JsonNode operation = result.get("bulkOperation");
        run.bulkOperation(operation.get("id").asText(), operation.path("status").asText(), operation.path("createdAt").asText(null));
        LOG.info("Shopify bulk export of customers started: {}", run.bulkOperationId());
    }

    /** Body: the answer to the bulk operation's status query. */
    public void bulkPolled(Exchange exchange) {
        ShopifySyncRun run = exchange.getProperty(ShopifySyncRun.PROPERTY, ShopifySyncRun.class);
        if (exchange.getProperty(ShopifyThrottle.THROTTLED, false, Boolean.class)) {
            return;  // asked again on the next poll
        }
        JsonNode operation = exchange.getMessage().getBody(JsonNode.class).path("data").path("node");
        String status = operation.path("status").asText();
        run.bulkOperation(run.bulkOperationId(), status, operation.path("createdAt").asText(null));
        switch (status) {
            case "COMPLETED" -> run.bulkCompleted(operation.path("url").asText(null),
                    operation.hasNonNull("rootObjectCount") ? operation.get("rootObjectCount").asLong() : null);
            case "CREATED", "RUNNING" -> LOG.debug("Shopify bulk export {}: {} objects so far", status, operation.path("objectCount").asText());
            default -> {
                // the export can never be read: forget it so the next full sync starts a new one
                store.inTransaction(connection -> {
                    new SyncCheckpoint(CONNECTOR, run.resource() + BULK_SUFFIX, run.bulkCreatedAt(), null, null)
                            .save(connection, System.currentTimeMillis());
                    return null;
                });
                throw new PlatformApiException("Shopify bulk export " + run.bulkOperationId() + " ended " + status
                        + (operation.hasNonNull("errorCode") ? " (" + operation.get("errorCode").asText() + ")" : "")
                        + "; run the full sync again");
            }
        }
    }

    /**
     * Opens the export's JSONL for reading line by line. A signed download URL must be requested byte for
     * byte as given, and without the shop's token, so it is fetched here rather than through a Camel endpoint.
     */
    public InputStream openBulkResult(Exchange exchange) throws IOException, InterruptedException {
        ShopifySyncRun run = exchange.getProperty(ShopifySyncRun.PROPERTY, ShopifySyncRun.class);
        if (run.bulkUrl() == null) {
            return InputStream.nullInputStream();  // a shop without customers has no file
        }
        HttpResponse<InputStream> response = DOWNLOADS.send(HttpRequest.newBuilder(URI.create(run.bulkUrl()))
                .timeout(Duration.ofMinutes(5)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            response.body().close();
            throw new PlatformApiException("Shopify bulk export download answered " + response.statusCode());
        }
        return response.body();
    }

    /**
     * The export as pages of {@code pageSize} JSONL lines, each page its lines joined by a newline as
     * {@link #readBulkLines} reads them, read as the split asks for the next page: never held whole. A plain line
     * reader: Camel's tokenizer matched each line against a regular expression, a tenth of a full sync's time.
     */
    public BulkPages bulkPages(InputStream export, int pageSize) {
        return new BulkPages(new BufferedReader(new InputStreamReader(export, StandardCharsets.UTF_8)), pageSize);
    }

    /** The pages of {@link #bulkPages}; closes the export at its end, and the split closes it when it stops early. */
    public static final class BulkPages implements Iterator<String>, Closeable {
        private final BufferedReader reader;
        private final int pageSize;
        private String next;

        BulkPages(BufferedReader reader, int pageSize) {
            this.reader = reader;
            this.pageSize = pageSize;
        }

        @Override
        public boolean hasNext() {
            if (next == null) {
                next = readPage();
            }
            return next != null;
        }

        @Override
        public String next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            String page = next;
            next = null;
            return page;
        }

        private String readPage() {
            try {
                StringBuilder page = new StringBuilder();
                int lines = 0;
                String line;
                while (lines < pageSize && (line = reader.readLine()) != null) {
                    page.append(lines++ == 0 ? "" : "\n").append(line);
                }
                if (lines == 0) {
                    close();
                    return null;
                }
                return page.toString();
            } catch (IOException e) {
                throw new UncheckedIOException("Reading the Shopify bulk export failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }

    /**
     * Body: a group of JSONL lines of the export. Returns the customers after the resume position, and sets
     * the checkpoint (the operation and the group's last line) for {@code direct:brevo} to commit.
     */
    public ArrayNode readBulkLines(Exchange exchange) throws IOException {
        ShopifySyncRun run = exchange.getProperty(ShopifySyncRun.PROPERTY, ShopifySyncRun.class);
        String[] lines = exchange.getMessage().getBody(String.class).split("\n");
        long lineNumber = run.bulkLinesRead(lines.length) - 1;
        ArrayNode fresh = JsonNodeFactory.instance.arrayNode();
        String lastId = null;
        for (String line : lines) {
            lineNumber++;
            if (lineNumber <= run.bulkLinesDone() || line.isBlank()) {
                continue;
            }
            JsonNode node = ShopifyGraphql.JSON.readTree(line);
            if (node.has("__parentId")) {
                continue;  // a nested connection's row; the customer export has none
            }
            fresh.add(node);
            lastId = String.valueOf(ShopifyRecords.numericId(node.path("id").asText()));
        }
        SyncCheckpoint checkpoint = new SyncCheckpoint(CONNECTOR, run.resource() + BULK_SUFFIX, run.bulkCreatedAt(), lastId,
                run.bulkOperationId() + "#" + lineNumber);
        exchange.setProperty(BrevoOutbox.CHECKPOINT, checkpoint);
        run.pageRead(fresh.size(), true, null, checkpoint);
        return fresh;
    }

    /**
     * The export is fully enqueued: it is forgotten, and incremental syncs go on from the moment it was taken
     * (what changed while it ran is picked up again; the version check keeps that harmless).
     */
    public void bulkFinished(Exchange exchange) {
        ShopifySyncRun run = exchange.getProperty(ShopifySyncRun.PROPERTY, ShopifySyncRun.class);
        SyncCheckpoint incremental = new SyncCheckpoint(CONNECTOR, run.resource(), run.bulkCreatedAt(), null, null);
        store.inTransaction(connection -> {
            long now = System.currentTimeMillis();
            new SyncCheckpoint(CONNECTOR, run.resource() + BULK_SUFFIX, run.bulkCreatedAt(), null, null).save(connection, now);
            incremental.save(connection, now);
            return null;
        });
        run.finished(incremental);
    }

    /** Logs the run's summary; body: the run. */
    public ShopifySyncRun finishRun(Exchange exchange) {
        ShopifySyncRun run = exchange.getProperty(ShopifySyncRun.PROPERTY, ShopifySyncRun.class);
        LOG.info("{}{}", run.summary(), run.throttledMillis() > 0 ? ", waited " + run.throttledMillis() + " ms for Shopify's query cost" : "");
        return run;
    }
}
