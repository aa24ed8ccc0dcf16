package dev.tally.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.gateway.json.GatewayJson;
import dev.tally.gateway.proxy.Endpoint;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one-pass read of a chat answer gives what the tree read gives (text aside, which only an
 * estimate needs), and declines, so the caller reads the tree, whenever it could not be sure.
 */
class ChatAnswerReadTest {

    private static final ObjectMapper MAPPER = GatewayJson.newMapper();

    @ParameterizedTest
    @ValueSource(strings = {
        """
        {"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"message":\
        {"role":"assistant","content":"Hello!"},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":9,\
        "completion_tokens":3,"total_tokens":12,"prompt_tokens_details":{"cached_tokens":4},\
        "completion_tokens_details":{"reasoning_tokens":1}}}""",
        """
        {"model":"m","choices":[{"message":{"content":null,"tool_calls":[{"id":"t1","type":"function","function":\
        {"name":"get_weather","arguments":"{\\"city\\":\\"Oslo\\"}"}},{"function":{"name":"","arguments":"{}"}},\
        {"function":{"name":"lookup"}}]},"finish_reason":"tool_calls"},{"message":{"content":"x"},"finish_reason":7}],\
        "usage":{"prompt_tokens":20,"completion_tokens":5}}""",
        """
        {"usage":{"prompt_tokens":1,"completion_tokens":2},"model":{"nested":[1,2]},"choices":[],"extra":[{"a":[{}]}]}""",
        """
        {"model":"first","model":"second","choices":[{"finish_reason":"a"}],"choices":[{"finish_reason":"b",\
        "message":{"tool_calls":null}}],"usage":{"prompt_tokens":1,"completion_tokens":1}}""",
        """
        {"choices":[],"usage":{"prompt_tokens":2.0,"prompt_tokens":7,"completion_tokens":-1,"completion_tokens":3,\
        "prompt_tokens_details":{"cached_tokens":1,"audio_tokens":2},"completion_tokens_details":[1],"extra":{"a":[1]}}}""",
        """
        {"choices":[{"text":"completion text","finish_reason":"length"}],"usage":{"prompt_tokens":3,"completion_tokens":4,\
        "total_tokens":7}}""",
        """
        {"id":"c2","object":"chat.completion","model":"gpt-4o-audio-preview","service_tier":"flex","choices":[{"index":0,\
        "message":{"role":"assistant","content":null,"audio":{"id":"a1","transcript":"Hi"}},"finish_reason":"stop"}],\
        "usage":{"prompt_tokens":100,"completion_tokens":50,"total_tokens":150,"prompt_tokens_details":{"cached_tokens":10,\
        "audio_tokens":40,"image_tokens":5},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":30,\
        "accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"system_fingerprint":"fp_1"}""",
        """
        {"usage":{"prompt_tokens":10,"completion_tokens":5,"prompt_tokens_details":{"audio_tokens":50},\
        "prompt_tokens_details":{"cached_tokens":2,"audio_tokens":3},"completion_tokens_details":{"audio_tokens":9}},\
        "service_tier":7,"choices":[]}""",
        """
        {"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":5,"prompt_tokens_details":{"audio_tokens":50,\
        "image_tokens":1}},"service_tier":"priority","service_tier":"default"}""",
    })
    void one_pass_read_matches_the_tree(String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Answer fast = AnswerReader.readChatReported(MAPPER, bytes);
        Answer tree = AnswerReader.read(Endpoint.CHAT, MAPPER.readTree(bytes));
        assertThat(fast).as("read in one pass").isNotNull();
        assertThat(fast.usage()).isEqualTo(tree.usage());
        assertThat(fast.usage().serviceTier()).isEqualTo(tree.usage().serviceTier());
        assertThat(fast.servedModel()).isEqualTo(tree.servedModel());
        assertThat(fast.finishReason()).isEqualTo(tree.finishReason());
        assertThat(fast.toolCalls()).isEqualTo(tree.toolCalls());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "[1,2]",
        "{\"model\":\"m\",\"choices\":[",
        "{\"model\":\"m\",\"choices\":[]}",
        "{\"choices\":[],\"usage\":{\"prompt_tokens\":1}}",
        "{\"choices\":[],\"usage\":\"none\"}",
        "{\"choices\":[],\"usage\":{\"prompt_tokens\":99999999999999999999999,\"completion_tokens\":1}}",
        "{\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":-2}}",
        "{\"choices\":{\"0\":{\"finish_reason\":\"stop\"}},\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}",
        "{\"choices\":[{\"message\":{\"tool_calls\":{\"a\":{}}}}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}",
        "{\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"prompt_tokens_details\":{\"cached_tokens\":5}}}",
    })
    void declines_what_needs_the_tree_or_an_estimate(String body) {
        assertThat(AnswerReader.readChatReported(MAPPER, body.getBytes(StandardCharsets.UTF_8))).isNull();
    }
}
