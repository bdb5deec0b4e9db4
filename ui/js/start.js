// Asks for the badge list the moment the page starts: index.html runs this
// module on its own (`async`), so the answer is on its way while the rest of
// the window's modules still load. main.js takes it from here.

import { listBadges } from "./api.js";

// Read by the start-up measurement, with main.js's marks.
performance.mark("list-asked");
/** The list of badges asked for at start. */
export const firstListing = listBadges();
// Its failure is reported where main.js awaits it; until then it is not "unhandled".
firstListing.catch(() => {});
