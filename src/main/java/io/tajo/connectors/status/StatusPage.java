package io.tajo.connectors.status;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tajo.connectors.status.ServiceStatus.Connector;
import io.tajo.connectors.status.ServiceStatus.Resource;
import io.tajo.connectors.store.StateStore;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;

/**
 * GET /status (a self-contained HTML page) and GET /status.json (the same figures as
 * `tajo connectors status --json`), built from the running service's routes, settings and store.
 */
public class StatusPage {

    static final ObjectMapper JSON = new ObjectMapper();

    private StateStore store;

    public void setStore(StateStore store) { this.store = store; }

    public ServiceStatus status(Exchange exchange) {
        CamelContext context = exchange.getContext();
        List<String> routes = context.getRoutes().stream().map(Route::getRouteId).toList();
        return new ConnectorDiscovery(routes, ConnectorDiscovery.settingsOf(context), store).status();
    }

    public String json(Exchange exchange) throws JsonProcessingException {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(status(exchange));
    }

    public String html(Exchange exchange) {
        return render(status(exchange));
    }

    static String render(ServiceStatus status) {
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < status.connectors().size(); i++) {
            Connector c = status.connectors().get(i);
            rows.append("<tr><th scope=\"row\">").append(esc(c.name())).append("</th><td>").append(esc(c.mode())).append("</td>")
                    .append(part(c.webhook())).append(part(c.sync()))
                    .append("<td>").append(resources(c.resources())).append("</td>")
                    .append("<td class=\"num\" data-path=\"connectors.").append(i)
                    .append(".outbox.pending\">").append(c.outbox().pending()).append("</td>")
                    .append("<td class=\"num").append(c.deadLetters() > 0 ? " bad" : "").append("\" data-path=\"connectors.")
                    .append(i).append(".deadLetters\">").append(c.deadLetters()).append("</td></tr>\n");
        }
        String circuit = status.brevo().circuit();
        String circuitClass = circuit.contains("OPEN") ? "bad" : circuit.equals("CLOSED") ? "ok" : "warn";
        String names = String.join(",", status.connectors().stream().map(Connector::name).toList());
        return """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>tajo status</title>
                <style>
                  body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}
                  header{background:#1d2330;color:#fff;padding:14px 28px;display:flex;justify-content:space-between;align-items:baseline}
                  header h1{font-size:18px;margin:0;font-weight:600} header small{opacity:.7}
                  main{padding:22px 28px;max-width:1200px}
                  .cards{display:flex;gap:16px;flex-wrap:wrap;margin-bottom:22px}
                  .card{background:#fff;border-radius:8px;padding:14px 18px;min-width:170px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
                  .card .label{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:#667}
                  .card .value{font-size:28px;font-weight:600;margin-top:2px}
                  table{border-collapse:collapse;width:100%%;background:#fff;border-radius:8px;overflow:hidden;box-shadow:0 1px 2px rgba(0,0,0,.08)}
                  th,td{text-align:left;padding:10px 12px;border-bottom:1px solid #eceef2;vertical-align:top}
                  thead th{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:#667;background:#fafbfc}
                  tbody th{font-weight:600} .num{text-align:right;font-variant-numeric:tabular-nums}
                  .ok{color:#137333} .warn{color:#a56300} .bad{color:#b3261e;font-weight:600} .muted{color:#889}
                  ul{margin:0;padding-left:16px} code{font-size:13px}
                </style></head>
                <body data-connectors="%s">
                <header><h1>tajo connectors</h1><small>updated <span id="updated">%s</span></small></header>
                <main>
                <section class="cards">
                  <div class="card"><div class="label">Brevo circuit</div><div class="value %s" data-path="brevo.circuit">%s</div></div>
                  <div class="card"><div class="label">Outbox depth</div><div class="value" data-path="outbox.pending">%d</div></div>
                  <div class="card"><div class="label">Dead letters</div><div class="value%s" data-path="deadLetters">%d</div></div>
                  <div class="card"><div class="label">Delivery</div><div class="value">%s</div></div>
                </section>
                <table>
                <thead><tr><th>Connector</th><th>Mode</th><th>Webhook</th><th>Sync</th><th>Last syncs</th><th class="num">Outbox</th><th class="num">Dead letters</th></tr></thead>
                <tbody>
                %s</tbody>
                </table>
                </main>
                <script>
                // every 10 s: the figures from /status.json; a changed set of connectors reloads the page
                setInterval(async () => {
                  try {
                    const s = await (await fetch('status.json')).json();
                    if (s.connectors.map(c => c.name).join(',') !== document.body.dataset.connectors) { location.reload(); return; }
                    document.querySelectorAll('[data-path]').forEach(e => {
                      e.textContent = e.dataset.path.split('.').reduce((o, k) => o == null ? o : o[k], s);
                    });
                    document.getElementById('updated').textContent = s.generatedAt;
                  } catch (e) { document.getElementById('updated').textContent = 'unreachable'; }
                }, 10000);
                </script>
                </body></html>
                """.formatted(esc(names), esc(status.generatedAt()), circuitClass, esc(circuit), status.outbox().pending(),
                status.deadLetters() > 0 ? " bad" : "", status.deadLetters(),
                status.brevo().dryRun() ? "<span class=\"warn\">dry-run</span>" : "<span class=\"ok\">to Brevo</span>", rows);
    }

    private static String part(ServiceStatus.Part part) {
        if (part.route() == null) {
            return "<td class=\"muted\">—</td>";
        }
        return "<td class=\"" + (part.configured() ? "ok" : "warn") + "\">" + (part.configured() ? "✓ " : "✗ ") + esc(part.detail()) + "</td>";
    }

    private static String resources(List<Resource> resources) {
        if (resources.isEmpty()) {
            return "<span class=\"muted\">—</span>";
        }
        StringBuilder list = new StringBuilder("<ul>");
        for (Resource r : resources) {
            list.append("<li>").append(esc(r.name())).append(": ");
            if (!r.synced()) {
                list.append("<span class=\"muted\">webhooks only</span>");
            } else if (r.lastSyncAt() == null) {
                list.append("<span class=\"muted\">never synced</span>");
            } else {
                list.append(esc(r.lastSyncAt())).append(" <span class=\"muted\">(").append(ServiceStatus.ago(r.lagSeconds()))
                        .append(")</span>, at <code>").append(esc(r.resumesAt())).append("</code>");
            }
            list.append("</li>");
        }
        return list.append("</ul>").toString();
    }

    private static String esc(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
