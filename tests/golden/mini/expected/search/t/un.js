DOSSIER_SEARCH.t["un"] = {
"underwriter":[12],
"unknown":[6,2,2],
"until":[16]
};
