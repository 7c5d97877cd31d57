// Package content fetches the content a UM platform names for an event (message audio,
// greetings, notification bodies) and cuts it into chunks for MessagingCC (TS 102 232-2
// Table 5, clause 8.1: sequence-number from 0, end-of-sequence on the last).
//
// Files are read only under configured content roots (os.Root: no traversal, no symlink
// escape); http/https downloads have a timeout and a size limit and are streamed.
// Errors never name the path or URL, since those carry mailbox identities.
package content
