DOSSIER_SEARCH.t["op"] = {
"opening":[0]
};
