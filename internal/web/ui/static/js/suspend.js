// 효력정지 at the holder's request: the same page logic as revoke.js.
import './revoke.js';
