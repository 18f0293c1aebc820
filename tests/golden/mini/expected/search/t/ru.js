DOSSIER_SEARCH.t["ru"] = {
"rules":[16]
};
