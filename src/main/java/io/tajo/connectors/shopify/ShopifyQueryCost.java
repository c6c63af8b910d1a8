package io.tajo.connectors.shopify;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The requested cost Shopify calculates for a GraphQL Admin API query before it runs it, by its published rules: a
 * scalar or enum field costs 0, an object 1, a connection 2 plus, for each of the {@code first} records it asks for,
 * the cost of one record (1 for the record and whatever its fields cost). Shopify refuses a query whose requested
 * cost is above {@link #MAX} (MAX_COST_EXCEEDED), whatever is left in the bucket.
 */
public final class ShopifyQueryCost {

    /** The most a single query may ask for. */
    public static final int MAX = 1000;

    private static final Pattern TOKEN = Pattern.compile("\\$?\\w+|[(){}:]");

    private final List<String> tokens = new ArrayList<>();
    private final Map<String, Integer> variables;
    private int at;

    private ShopifyQueryCost(String query, Map<String, Integer> variables) {
        Matcher matcher = TOKEN.matcher(query);
        while (matcher.find()) {
            tokens.add(matcher.group());
        }
        this.variables = variables;
    }

    /** The requested cost of {@code query} with these integer variables (e.g. {@code first}, without the $). */
    public static int of(String query, Map<String, Integer> variables) {
        ShopifyQueryCost cost = new ShopifyQueryCost(query, variables);
        // skip the operation's name and variable definitions: the cost is that of its selection set
        while (cost.at < cost.tokens.size() && !cost.tokens.get(cost.at).equals("{")) {
            if (cost.tokens.get(cost.at).equals("(")) {
                cost.skipPast(")");
            } else {
                cost.at++;
            }
        }
        cost.at++;
        return cost.selectionSet().values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The fields of a selection set (the opening brace read) and what each costs; reads its closing brace. */
    private Map<String, Integer> selectionSet() {
        Map<String, Integer> fields = new java.util.LinkedHashMap<>();
        while (!tokens.get(at).equals("}")) {
            String name = tokens.get(at++);
            Integer first = null;
            if (tokens.get(at).equals("(")) {
                first = arguments();
            }
            int cost = 0;
            if (tokens.get(at).equals("{")) {
                at++;
                Map<String, Integer> inner = selectionSet();
                if (first == null) {
                    cost = 1 + inner.values().stream().mapToInt(Integer::intValue).sum();
                } else {
                    // a connection: its records (nodes, or edges' node) once per record asked for, the rest (pageInfo) once
                    // (an edge and its node count as one record)
                    int record = inner.containsKey("nodes") ? inner.get("nodes") : inner.containsKey("edges") ? inner.get("edges") - 1 : 1;
                    int rest = inner.entrySet().stream().filter(e -> !e.getKey().equals("nodes") && !e.getKey().equals("edges"))
                            .mapToInt(Map.Entry::getValue).sum();
                    cost = 2 + first * record + rest;
                }
            }
            fields.merge(name, cost, Integer::sum);
        }
        at++;
        return fields;
    }

    /** Reads an argument list (its opening parenthesis next); returns its {@code first}, or null. */
    private Integer arguments() {
        at++;
        Integer first = null;
        while (!tokens.get(at).equals(")")) {
            String name = tokens.get(at++);
            if (tokens.get(at).equals(":")) {
                String value = tokens.get(++at);
                if (name.equals("first")) {
                    first = value.startsWith("$") ? variables.get(value.substring(1)) : Integer.valueOf(value);
                }
            }
            at++;
        }
        at++;
        return first;
    }

    private void skipPast(String token) {
        while (!tokens.get(at++).equals(token)) {
            // skip
        }
    }
}
