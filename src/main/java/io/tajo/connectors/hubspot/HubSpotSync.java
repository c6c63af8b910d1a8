package io.tajo.connectors.hubspot;

import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tajo.connectors.brevo.BrevoOutbox;
import io.tajo.connectors.mapping.ContactMapper;
import io.tajo.connectors.store.StateStore;
import io.tajo.connectors.store.SyncCheckpoint;
import io.tajo.connectors.sync.SyncRun;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of HubSpot syncs between pages: where a run starts (the stored checkpoint), the search request of each
 * page, which of its records are new, and where the next page resumes.
 */
public class HubSpotSync {

    private static final Logger LOG = LoggerFactory.getLogger(HubSpotSync.class);

    private StateStore store;
    private ContactMapper contactMapper;
    private int pageSize = 200;
    private int queryCap = 10_000;

    public void setStore(StateStore store) { this.store = store; }
    public void setContactMapper(ContactMapper contactMapper) { this.contactMapper = contactMapper; }
    public void setPageSize(int pageSize) { this.pageSize = pageSize; }
    public void setQueryCap(int queryCap) { this.queryCap = queryCap; }

    /** Starts a run of the resource named by {@link SyncRun#RESOURCE} (contacts when unset), from its checkpoint unless full. */
    public HubSpotSyncRun beginRun(Exchange exchange) {
        String resource = Optional.ofNullable(exchange.getProperty(SyncRun.RESOURCE, String.class)).orElse(HubSpotWebhooks.RESOURCE);
        if (!resource.equals(HubSpotWebhooks.RESOURCE)) {
            throw new IllegalArgumentException("HubSpot sync knows contacts, not '" + resource + "'");
        }
        boolean full = exchange.getProperty(SyncRun.FULL, false, Boolean.class);
        HubSpotSyncRun run = new HubSpotSyncRun(resource, full, pageSize, queryCap);
        if (!full) {
            SyncCheckpoint.load(store, HubSpotApi.CONNECTOR, resource).ifPresent(run::resumeFrom);
        }
        exchange.setProperty(HubSpotSyncRun.PROPERTY, run);
        exchange.setProperty(SyncRun.RUN, run);
        return run;
    }

    /** The search request of the run's next page: modified since the watermark, oldest first, after the cursor. */
    public String searchRequest(Exchange exchange) {
        HubSpotSyncRun run = exchange.getProperty(HubSpotSyncRun.PROPERTY, HubSpotSyncRun.class);
        ObjectNode request = HubSpotRecords.JSON.createObjectNode();
        request.withArray("filterGroups").addObject().withArray("filters").addObject()
                .put("propertyName", HubSpotRecords.VERSION).put("operator", "GTE")
                .put("value", String.valueOf(run.queryWatermark().toEpochMilli()));
        request.withArray("sorts").addObject().put("propertyName", HubSpotRecords.VERSION).put("direction", "ASCENDING");
        request.set("properties", HubSpotRecords.properties(contactMapper.sourceFields(HubSpotApi.CONNECTOR, run.resource())));
        request.put("limit", run.pageSize());
        if (run.cursor() != null) {
            request.put("after", run.cursor());
        }
        return request.toString();
    }

    /**
     * Body: a search answer. Returns the page's records not sent before, for {@code direct:map-contacts}, and sets
     * the page's checkpoint for {@code direct:brevo} to commit with them.
     */
    public ArrayNode readPage(Exchange exchange) {
        HubSpotSyncRun run = exchange.getProperty(HubSpotSyncRun.PROPERTY, HubSpotSyncRun.class);
        JsonNode answer = exchange.getMessage().getBody(JsonNode.class);
        ArrayNode fresh = HubSpotRecords.JSON.createArrayNode();
        for (JsonNode object : answer.path("results")) {
            ObjectNode record = HubSpotRecords.record(object);
            Instant modified = Instant.parse(record.path(HubSpotRecords.VERSION).asText());
            String id = record.get("id").asText();
            if (!run.alreadySent(modified, id)) {
                fresh.add(record);
                run.sending(modified, id);
            }
        }
        String next = answer.at("/paging/next/after").asText(null);
        exchange.setProperty(BrevoOutbox.CHECKPOINT, run.pageRead(answer.path("results").size(), fresh.size(),
                next == null || next.isBlank() ? null : next));
        LOG.debug("HubSpot {} page: {} records, {} new", run.resource(), answer.path("results").size(), fresh.size());
        return fresh;
    }

    /** The page's commands and checkpoint are committed: the run moves past it. */
    public void pageCommitted(Exchange exchange) {
        exchange.getProperty(HubSpotSyncRun.PROPERTY, HubSpotSyncRun.class).pageCommitted();
    }

    /** Logs the run's summary; body: the run. */
    public HubSpotSyncRun finishRun(Exchange exchange) {
        HubSpotSyncRun run = exchange.getProperty(HubSpotSyncRun.PROPERTY, HubSpotSyncRun.class);
        LOG.info("{}", run.summary());
        return run;
    }
}
