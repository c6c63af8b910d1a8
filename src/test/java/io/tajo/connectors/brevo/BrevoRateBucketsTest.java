package io.tajo.connectors.brevo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.tajo.connectors.brevo.BrevoOp.RateBucket;
import org.junit.jupiter.api.Test;

/** Brevo's x-sib-ratelimit-remaining / -reset headers and 429s, read into the pause of a rate bucket. */
class BrevoRateBucketsTest {

    private final BrevoRateBuckets buckets = new BrevoRateBuckets();

    @Test
    void callsLeftInTheWindowImposeNoPause() {
        assertThat(buckets.observe(RateBucket.EVENTS, 204, "3", "0.400")).isZero();
        assertThat(buckets.observe(RateBucket.EVENTS, 204, null, null)).as("no headers at all").isZero();
        assertThat(buckets.delayMillis(RateBucket.EVENTS)).isZero();
    }

    @Test
    void aSpentWindowHoldsTheNextCallUntilTheResetWithNoFloorAddedToIt() {
        assertThat(buckets.observe(RateBucket.EVENTS, 204, "0", "0.250")).isEqualTo(250);
        assertThat(buckets.delayMillis(RateBucket.EVENTS)).isBetween(200L, 250L);

        assertThat(buckets.observe(RateBucket.CONTACTS, 202, " 0 ", "0.004")).as("a window about to reset").isEqualTo(4);
        assertThat(buckets.delayMillis(RateBucket.CONTACTS)).isLessThanOrEqualTo(4);
        assertThat(buckets.observe(RateBucket.ORDERS, 202, "0", "0")).as("a window resetting now").isZero();
        assertThat(buckets.delayMillis(RateBucket.ORDERS)).isZero();
    }

    @Test
    void theNextCallGoesAtTheLaterOfTheResetAndItsEvenlySpacedSlotNotTheirSum() {
        buckets.setProducts("1/s");
        BrevoRequest call = new BrevoRequest(RateBucket.PRODUCTS, "POST", "/products/batch", null, null, List.of());
        buckets.sending(call);
        buckets.observe(RateBucket.PRODUCTS, 201, "0", "0.200");
        assertThat(buckets.delayMillis(RateBucket.PRODUCTS)).as("the slot one second after the call").isBetween(900L, 1000L);

        buckets.observe(RateBucket.PRODUCTS, 429, "0", "3");
        assertThat(buckets.delayMillis(RateBucket.PRODUCTS)).as("a reset beyond the slot").isBetween(2900L, 3000L);
    }

    @Test
    void a429WaitsForTheResetBrevoSends() {
        assertThat(buckets.observe(RateBucket.CONTACTS, 429, "0", "2")).isEqualTo(2000);
        assertThat(buckets.observe(RateBucket.EVENTS, 429, "0", "0.731")).isEqualTo(731);
        assertThat(buckets.delayMillis(RateBucket.EVENTS)).isBetween(680L, 731L);
    }

    @Test
    void anUnreadableResetIsReadDefensively() {
        assertThat(buckets.observe(RateBucket.CONTACTS, 429, null, null)).as("no reset: Brevo's shortest window").isEqualTo(1000);
        assertThat(buckets.observe(RateBucket.CONTACTS, 429, "0", "soon")).isEqualTo(1000);
        assertThat(buckets.observe(RateBucket.CONTACTS, 429, "0", "NaN")).isEqualTo(1000);
        assertThat(buckets.observe(RateBucket.CONTACTS, 429, "0", "-3")).as("a reset in the past").isZero();
        long epoch = System.currentTimeMillis() / 1000 + 5;
        assertThat(buckets.observe(RateBucket.CONTACTS, 429, "0", String.valueOf(epoch))).as("an epoch timestamp")
                .isBetween(3900L, 5000L);
        buckets.setMaxReset("PT10S");
        assertThat(buckets.observe(RateBucket.OTHER, 429, "0", "3599")).as("capped at BREVO_RATE_MAX_RESET").isEqualTo(10_000);
    }
}
