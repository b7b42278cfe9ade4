// Replaced by the server of scripts/run-console.sh with the RPC URL it was given
// (FUSION_CONSOLE_RPC); `?rpc=` in the page's URL wins over both.
window.FUSION_CONSOLE = window.FUSION_CONSOLE || {};
