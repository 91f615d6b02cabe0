/** @odoo-module **/
/**
 * How long a text is for a platform: the browser's twin of
 * social_crm/connectors/length.py (keep both in step). Rules: "chars"
 * (code points), "mastodon" (links count 23), "graphemes" (Bluesky), "x"
 * (links 23, Latin and the like 1, anything else 2, per grapheme).
 */
const URL_LENGTH = 23;
const URL_RE = /https?:\/\/[^\s]+/gi;
const X_LIGHT = [
    [0x0000, 0x10ff],
    [0x2000, 0x200d],
    [0x2010, 0x201f],
    [0x2032, 0x2037],
];

export function graphemes(text) {
    if (typeof Intl !== "undefined" && Intl.Segmenter) {
        const segmenter = new Intl.Segmenter(undefined, {granularity: "grapheme"});
        return Array.from(segmenter.segment(text || ""), (part) => part.segment);
    }
    return Array.from(text || "");
}

function xWeight(cluster) {
    const code = cluster.codePointAt(0);
    return X_LIGHT.some(([low, high]) => low <= code && code <= high) ? 1 : 2;
}

export function textLength(text, rule = "chars") {
    text = text || "";
    if (rule === "graphemes") {
        return graphemes(text).length;
    }
    if (rule === "x" || rule === "mastodon") {
        const links = text.match(URL_RE) || [];
        const rest = text.replace(URL_RE, "");
        if (rule === "x") {
            return (
                URL_LENGTH * links.length +
                graphemes(rest).reduce((sum, cluster) => sum + xWeight(cluster), 0)
            );
        }
        return URL_LENGTH * links.length + Array.from(rest).length;
    }
    return Array.from(text).length;
}
