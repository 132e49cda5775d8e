package io.itdr.connector.okta.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PageTokenTest {

    @Test
    void aPositionSurvivesItsTokenWhateverOktasCursorHolds() {
        for (PageToken position : new PageToken[] {PageToken.START, new PageToken(PageToken.Listing.API_TOKENS, "00T3siem", 2),
                new PageToken(PageToken.Listing.SERVICE_USERS, "opaque\ncursor=/+", 0)}) {
            assertThat(PageToken.decode(position.encode())).isEqualTo(position);
            assertThat(position.encode()).matches("[A-Za-z0-9_-]+");
        }
        assertThat(PageToken.decode(null)).isEqualTo(PageToken.START);
    }

    @Test
    void listsFollowInOrderAndTheLastHasNoNext() {
        PageToken apps = PageToken.START;
        assertThat(apps.at("0oa2").within(3)).isEqualTo(new PageToken(PageToken.Listing.SERVICE_APPS, "0oa2", 3));
        assertThat(apps.nextList()).isEqualTo(new PageToken(PageToken.Listing.API_TOKENS, null, 0));
        assertThat(apps.nextList().nextList()).isEqualTo(new PageToken(PageToken.Listing.SERVICE_USERS, null, 0));
        assertThat(apps.nextList().nextList().nextList()).isNull();
    }
}
