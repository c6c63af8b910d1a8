package io.tajo.connectors;

import java.util.regex.Pattern;

/**
 * Takes emails and phone numbers out of a text bound for the log: a platform's error message or a request path
 * (HubSpot's consent API has the email in its path, percent-encoded) may carry them. Logs say ids, never people.
 */
public final class PersonalData {

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9.-]+\\.[A-Za-z]{2,}",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern E164 = Pattern.compile("(?:\\+|%2B)[1-9]\\d{7,14}", Pattern.CASE_INSENSITIVE);

    private PersonalData() {
    }

    /** {@code text} with every email replaced by {@code <email>} and every E.164 number by {@code <phone>}. */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        return E164.matcher(EMAIL.matcher(text).replaceAll("<email>")).replaceAll("<phone>");
    }
}
