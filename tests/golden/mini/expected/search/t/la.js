DOSSIER_SEARCH.t["la"] = {
"labelled":[10],
"latency":[4]
};
