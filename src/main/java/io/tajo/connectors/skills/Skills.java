package io.tajo.connectors.skills;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.tajo.connectors.store.StateStore;
import io.tajo.connectors.store.StateStoreException;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.Route;
import org.apache.camel.spi.RouteController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops each skill's route group as its choice says (the {@code skills} route calls {@link #follow}
 * every few seconds), so {@code tajo skills enable|disable} takes effect on running nodes without a restart.
 */
public class Skills implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(Skills.class);

    private CamelContext camelContext;
    private StateStore store;
    private volatile Map<Skill, Boolean> enabled;
    private final AtomicBoolean startedOnce = new AtomicBoolean();

    public void setStore(StateStore store) { this.store = store; }

    @Override
    public void setCamelContext(CamelContext camelContext) { this.camelContext = camelContext; }

    @Override
    public CamelContext getCamelContext() { return camelContext; }

    /**
     * Reads the choices once, so routes asking {@link #isEnabled} before the first {@link #follow} get the answer,
     * and starts the enabled skills as soon as the context is up: a webhook of an enabled skill is not refused in
     * the first poll interval after start.
     */
    public void start() throws Exception {
        enabled = SkillChoices.current(store, this::setting);
        camelContext.addStartupListener(new ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) throws Exception {
                // once: Camel tells its listeners again whenever routes start later, as follow() itself does
                if (startedOnce.compareAndSet(false, true)) {
                    follow();
                }
            }
        });
    }

    /** Whether the skill is enabled, as last read from the store (at most one poll interval old). */
    public boolean isEnabled(String name) {
        Skill skill = Skill.of(name).orElseThrow(() -> new IllegalArgumentException("unknown skill '" + name + "' (known: "
                + Skill.names() + ")"));
        return enabled.get(skill);
    }

    /**
     * Reads the choices again (keeping the last ones while the store is unavailable) and starts the route groups
     * of enabled skills, stops those of disabled ones.
     */
    public void follow() throws Exception {
        if (!camelContext.getStatus().isStarted()) {
            return;
        }
        try {
            enabled = SkillChoices.current(store, this::setting);
        } catch (StateStoreException e) {
            LOG.debug("Skill choices not read again, the state store is unavailable: {}", e.getMessage());
        }
        RouteController routes = camelContext.getRouteController();
        for (Skill skill : Skill.values()) {
            List<Route> group = camelContext.getRoutesByGroup(skill.skillName());
            boolean want = enabled.get(skill);
            boolean differs = group.stream().anyMatch(route -> routes.getRouteStatus(route.getRouteId()).isStarted() != want);
            if (!differs) {
                continue;
            }
            if (want) {
                routes.startRouteGroup(skill.skillName());
                LOG.info("Skill {} enabled: {} routes started", skill.skillName(), group.size());
            } else {
                routes.stopRouteGroup(skill.skillName());
                LOG.info("Skill {} disabled: {} routes stopped", skill.skillName(), group.size());
            }
        }
    }

    private String setting(String key) {
        return camelContext.resolvePropertyPlaceholders("{{" + key + "}}");
    }
}
