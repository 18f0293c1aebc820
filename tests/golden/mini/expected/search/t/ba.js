DOSSIER_SEARCH.t["ba"] = {
"bands":[22]
};
