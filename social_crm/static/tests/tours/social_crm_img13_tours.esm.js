/** @odoo-module **/
import {registry} from "@web/core/registry";

const SENT = "Here is your parcel label, Ida!";
const REFUSED = "Look at this, Iris";
// a real 1x1 PNG
const PNG =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

/** Attach a PNG named ``name`` in the open composer, as a file picked by the agent. */
function attachImage(name) {
    const bytes = Uint8Array.from(atob(PNG), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], name, {type: "image/png"}));
    const input = document.querySelector(".o-mail-Composer-coreMain .o_input_file");
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", {bubbles: true}));
}

registry.category("web_tour.tours").add("social_crm_img13_tour", {
    steps: () => [
        {
            content: "Open the demo conversation's thread under Social",
            trigger: ".o-mail-DiscussSidebarChannel:contains('Image parcel question')",
            run: "click",
        },
        {
            content: "The composer says which images the platform takes",
            trigger: ".o_social_crm_media_rule:contains('at most 4')",
        },
        {
            content: "Write the answer",
            trigger: ".o-mail-Composer-input",
            run: `edit ${SENT}`,
        },
        {
            content: "Attach the label",
            trigger: ".o-mail-Composer button[aria-label='Attach files']",
            run: () => attachImage("label.png"),
        },
        {
            content: "The image is uploaded in the composer",
            trigger: ".o-mail-AttachmentImage[title='label.png']:not(.o-isUploading)",
        },
        {
            content: "Send it",
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The thread shows it as sent, with its image",
            trigger: `.o-mail-Message:contains('${SENT}'):has(.o_social_crm_sent_badge):has(.o-mail-AttachmentImage)`,
        },
        {
            content: "Open the Instagram conversation",
            trigger: ".o-mail-DiscussSidebarChannel:contains('Instagram image question')",
            run: "click",
        },
        {
            content: "The composer says Instagram comments take no image",
            trigger: ".o_social_crm_media_rule:contains('Instagram comments cannot carry images')",
        },
        {
            content: "Write anyway",
            trigger: ".o-mail-Composer-input",
            run: `edit ${REFUSED}`,
        },
        {
            content: "and attach an image",
            trigger: ".o-mail-Composer button[aria-label='Attach files']",
            run: () => attachImage("photo.png"),
        },
        {
            content: "The image is uploaded in the composer",
            trigger: ".o-mail-AttachmentImage[title='photo.png']:not(.o-isUploading)",
        },
        {
            content: "Try to send it",
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The refusal is said in plain words",
            trigger: ".modal:contains('Instagram comments cannot carry images')",
        },
        {
            content: "Close it",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The draft is kept",
            trigger: `.o-mail-Composer-input:value(${REFUSED})`,
        },
        {
            content: "and so is the image",
            trigger: ".o-mail-Composer .o-mail-AttachmentImage[title='photo.png']",
        },
    ],
});
