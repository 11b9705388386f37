package io.github.abuseguard.failure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which user agents the under-attack mode's {@code tool-user-agent} signal takes for a tool, a library or a crawler. */
class ToolUserAgentTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "curl/8.5.0",
                "Wget/1.21.4",
                "python-requests/2.31.0",
                "Python-urllib/3.11",
                "python-httpx/0.27.0",
                "Python/3.11 aiohttp/3.9.1",
                "Go-http-client/1.1",
                "Java/17.0.9",
                "Java-http-client/17.0.9",
                "okhttp/4.12.0",
                "Apache-HttpClient/5.2.1 (Java/17.0.9)",
                "libwww-perl/6.72",
                "HTTPie/3.2.2",
                "axios/1.6.7",
                "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
                "undici",
                "Scrapy/2.11.0 (+https://scrapy.org)",
                "PostmanRuntime/7.36.1",
                "insomnia/2023.5.8",
                "GuzzleHttp/7",
                "Ruby",
                "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-GB) WindowsPowerShell/5.1.19041.3803",
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36",
                "Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1",
                "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
                "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
                "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
                "CCBot/2.0 (https://commoncrawl.org/faq/)",
                // review7: what the first product-token pattern missed
                "Wget2/2.1.0",
                "PycURL/7.45.2 libcurl/8.4.0 OpenSSL/3.0.11",
                "libcurl/7.64.1 r-curl/5.2.0 httr/1.4.7",
                "Symfony HttpClient (Curl)",
                "Googlebot-Image/1.0",
                "AdsBot-Google (+http://www.google.com/adsbot.html)",
                "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36 (compatible; AdsBot-Google-Mobile; +http://www.google.com/mobile/adsbot.html)",
                "Mozilla/5.0 (compatible; Baiduspider-render/2.0; +http://www.baidu.com/search/spider.html)",
                "DuckDuckBot-Https/1.1; (+https://duckduckgo.com/duckduckbot)",
                "Mozilla/5.0 (compatible; Bytespider; spider-feedback@bytedance.com)",
                "Mozilla/5.0 (compatible; PetalBot;+https://webmaster.petalsearch.com/site/petalbot)",
                "Mozilla/5.0 (compatible; Linux x86_64; Mail.RU_Bot/2.0; +http://go.mail.ru/help/robots)",
                "Mozilla/5.0 (compatible; archive.org_bot +http://archive.org/details/archive.org_bot)"
            })
    void namesATool(String agent) {
        assertThat(FailureGuard.isToolUserAgent(agent)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                // probe8 L1: a phone called CUBOT, refused under attack as a bot
                "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
                "Mozilla/5.0 (Linux; Android 11; CUBOT_KINGKONG_5_Pro Build/RP1A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/131.0.0.0 Mobile Safari/537.36",
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
                "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
                "Mozilla/5.0 (Linux; Android 13; RubyPhone Pro) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
                "Mozilla/5.0 (Linux; Android 12; PHPX-2) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
                "Mozilla/5.0 (Linux; Android 9; CUBOT P30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
                "Mozilla/5.0 (Linux; Android 10; CUBOT) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
                "Mozilla/5.0 (Linux; Android 10; Robot Vacuum) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
            })
    void takesABrowserForABrowser(String agent) {
        assertThat(FailureGuard.isToolUserAgent(agent)).isFalse();
    }
}
